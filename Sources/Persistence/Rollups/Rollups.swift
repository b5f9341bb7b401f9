import Foundation
import QianxueCore
import SQLKit

/// Keeps the per-school report rollups current as data arrives: each call adds one event's worth
/// in a single upsert, inside the caller's transaction when it passes one. Both engines speak the
/// same `INSERT … ON CONFLICT … DO UPDATE` (SQLite 3.24+, PostgreSQL 9.5+).
public struct Rollups: Sendable {
    public static let literacy = "rollup_literacy"
    public static let usage = "rollup_usage_daily"
    public static let teacherWeeks = "rollup_teacher_weeks"
    public static let teacherWeekSeen = "rollup_teacher_week_seen"
    public static let enrolment = "rollup_enrolment"

    /// The dimension key of the overall result, beside `HM`, `ET`, `TA`, `SD`.
    public static let overall = "ALL"
    /// The level key of a dimension the attempt had no item of.
    public static let unrated = "-"

    public init() {}

    /// Adds a school's usage on a day (`YYYY-MM-DD`, Asia/Shanghai).
    public func addUsage(school: UUID, day: String, _ counts: UsageCounts, on db: any SQLDatabase) async throws {
        guard let upsert = usageUpsert(school: school, day: day, counts) else { return }
        try await db.raw(upsert).run()
    }

    /// The one statement `addUsage` runs (nil when the counts are all zero), for a caller that
    /// sends it along with others in one statement (a PostgreSQL `WITH`); with `onlyIfRowsIn`, it
    /// adds only when that table expression of the same statement has a row.
    public func usageUpsert(school: UUID, day: String, _ counts: UsageCounts, onlyIfRowsIn gate: String? = nil) -> SQLQueryString? {
        guard !counts.isZero else { return nil }
        let columns = UsageCounts.columns
        let names = columns.joined(separator: ", ")
        let updates = columns.map { "\($0) = \(Self.usage).\($0) + excluded.\($0)" }.joined(separator: ", ")
        let rows: SQLQueryString = gate.map { "SELECT \(bind: school), \(bind: day), \(binds: counts.values) FROM \(ident: $0) WHERE true LIMIT 1" }
            ?? "VALUES (\(bind: school), \(bind: day), \(binds: counts.values))"
        return """
            INSERT INTO \(unsafeRaw: Self.usage) (school_id, day, \(unsafeRaw: names))
            \(rows)
            ON CONFLICT (school_id, day) DO UPDATE SET \(unsafeRaw: updates)
            """
    }

    /// A student's result of a term replaces their earlier one (`previous`, when there was one):
    /// levels by dimension key (`ALL`, `HM`, …), `-` for a dimension without an item.
    public func replaceLiteracy(school: UUID, term: String, band: String, previous: [String: String]?,
                                current: [String: String], on db: any SQLDatabase) async throws {
        var delta: [String: Int] = [:]
        for (dimension, level) in previous ?? [:] { delta["\(dimension)\t\(level)", default: 0] -= 1 }
        for (dimension, level) in current { delta["\(dimension)\t\(level)", default: 0] += 1 }
        let changes = delta.compactMap { key, n -> LiteracyCount? in
            guard n != 0 else { return nil }
            let parts = key.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return LiteracyCount(school: school, term: term, band: band, dimension: parts[0], level: parts[1], students: n)
        }
        try await addLiteracy(changes, on: db)
    }

    /// One literacy row's key and a number of students to add to it (fewer, when negative).
    public struct LiteracyCount: Sendable {
        public let school: UUID, term: String, band: String, dimension: String, level: String
        public let students: Int

        public init(school: UUID, term: String, band: String, dimension: String, level: String, students: Int) {
            (self.school, self.term, self.band, self.dimension, self.level, self.students) = (school, term, band, dimension, level, students)
        }

        var sortKey: String { "\(school.uuidString)\t\(term)\t\(band)\t\(dimension)\t\(level)" }
    }

    /// Adds students to literacy rows (each key once) in one upsert per 500 rows; rows that come to
    /// 0 go, so that the rollup holds the same rows as a rebuild from raw rows. Rows are written in
    /// one order (by key), so that two students of a school finishing at once lock the rows they
    /// share in the same order (in dictionary order they deadlocked, 40P01, at a few hundred
    /// answers a second), and a finish holds its row locks for two statements, not one per row.
    public func addLiteracy(_ counts: [LiteracyCount], on db: any SQLDatabase) async throws {
        let rows = counts.filter { $0.students != 0 }.sorted { $0.sortKey < $1.sortKey }
        for start in stride(from: 0, to: rows.count, by: 500) {
            let chunk = rows[start..<min(rows.count, start + 500)]
            let values = chunk.map { r -> SQLQueryString in
                "(\(bind: r.school), \(bind: r.term), \(bind: r.band), \(bind: r.dimension), \(bind: r.level), \(bind: r.students))"
            }
            try await db.raw("""
                INSERT INTO \(unsafeRaw: Self.literacy) (school_id, term, band, dimension, level, students)
                VALUES \(values.joined(separator: ", "))
                ON CONFLICT (school_id, term, band, dimension, level)
                DO UPDATE SET students = \(unsafeRaw: Self.literacy).students + excluded.students
                """).run()
        }
        let emptied = Dictionary(grouping: rows.filter { $0.students < 0 }) { "\($0.school.uuidString)\t\($0.term)\t\($0.band)" }
        for key in emptied.keys.sorted() {
            let r = emptied[key]![0]
            try await db.delete(from: Self.literacy).where("school_id", .equal, r.school).where("term", .equal, r.term)
                .where("band", .equal, r.band).where("students", .equal, 0).run()
        }
    }

    /// Empties every rollup table (before a rebuild from raw rows).
    public func clear(on db: any SQLDatabase) async throws {
        for table in Self.tables { try await db.delete(from: table).run() }
    }

    /// The rollup tables, in the order a rebuild clears them.
    public static let tables = [literacy, usage, teacherWeeks, teacherWeekSeen, enrolment]

    /// A teacher used the assistant on `day`: the school's count for that week goes up once per teacher.
    public func teacherActive(user: UUID, school: UUID, day: String, on db: any SQLDatabase) async throws {
        let week = PlatformCalendar.weekStart(ofDay: day)
        let seen = try await db.raw("""
            INSERT INTO \(unsafeRaw: Self.teacherWeekSeen) (user_id, week) VALUES (\(bind: user), \(bind: week))
            ON CONFLICT (user_id, week) DO NOTHING RETURNING user_id
            """).all()
        guard !seen.isEmpty else { return }
        try await db.raw("""
            INSERT INTO \(unsafeRaw: Self.teacherWeeks) (school_id, week, teachers) VALUES (\(bind: school), \(bind: week), 1)
            ON CONFLICT (school_id, week) DO UPDATE SET teachers = \(unsafeRaw: Self.teacherWeeks).teachers + 1
            """).run()
    }

    /// Counts the students of `schools` by band again, from the users table. Call it in the
    /// transaction that changed the students, after the change.
    ///
    /// On PostgreSQL two such transactions in one school at once would each delete the rows and
    /// insert their own count (a unique violation for the second, or a count missing the other's
    /// student): a transaction-scoped advisory lock per school, taken in key order, makes the
    /// second wait for the first to commit, and its count (a new snapshot per statement at READ
    /// COMMITTED) then sees both. SQLite has one writer at a time already.
    public func recountEnrolment(schools: [UUID], on db: any SQLDatabase) async throws {
        for chunk in stride(from: 0, to: schools.count, by: 500).map({ Array(schools[$0..<min($0 + 500, schools.count)]) }) {
            if db.dialect.name == "postgresql" {
                let keys = chunk.map { "rollup_enrolment:\($0.uuidString.lowercased())" }
                try await db.raw("""
                    SELECT COUNT(pg_advisory_xact_lock(k)) FROM (
                        SELECT DISTINCT hashtextextended(s, 0) AS k FROM unnest(\(bind: keys)::text[]) AS s ORDER BY k) AS l
                    """).run()
            }
            try await db.delete(from: Self.enrolment).where("school_id", .in, chunk).run()
            try await db.raw("""
                INSERT INTO \(unsafeRaw: Self.enrolment) (school_id, band, students)
                SELECT school_id, \(unsafeRaw: Self.bandOfGrade("grade")) AS band, COUNT(*)
                FROM users WHERE role = 'student' AND school_id IN (\(binds: chunk))
                GROUP BY school_id, \(unsafeRaw: Self.bandOfGrade("grade"))
                """).run()
        }
    }

    /// SQL for the band of a grade column (DESIGN.md §4); a student without a grade counts as `unknown`.
    public static func bandOfGrade(_ column: String) -> String {
        """
        CASE WHEN \(column) IN ('1','2','3') THEN 'primary-lower' WHEN \(column) IN ('4','5','6') THEN 'primary-upper' \
        WHEN \(column) IN ('7','8','9') THEN 'junior' WHEN \(column) IN ('10','11','12') THEN 'senior' \
        WHEN \(column) LIKE 'V%' THEN 'vocational' WHEN \(column) LIKE 'H%' THEN 'higher' ELSE 'unknown' END
        """
    }
}
