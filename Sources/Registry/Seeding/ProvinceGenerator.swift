import FluentKit
import Foundation
import Persistence
import QianxueCore
import SQLKit

/// Generates a whole province for benchmarks: schools skewed in size as in the 2020 yearbook
/// (primary, junior, senior), placed in counties in proportion to population, with classes, teachers,
/// students (no passwords) and enrolments. Deterministic for a seed: school `i` is always the same,
/// so a run that was interrupted resumes where it stopped (progress is kept per school, in the same
/// transaction as the school's rows).
public struct ProvinceGenerator: Sendable {
    public struct Settings: Sendable {
        public var schools = 9346
        public var students = 6_700_000
        public var seed: UInt64 = 42
        /// Stop after this many schools (to test resuming); nil runs to the end.
        public var stopAfter: Int?
        public init() {}
    }

    public struct Progress: Sendable {
        public let schoolsDone: Int
        public let schoolsTotal: Int
        public let studentsWritten: Int
    }

    let database: DatabaseStack
    let regions: RegionDirectory
    let settings: Settings

    public init(registry: RegistryService, settings: Settings) {
        self.database = registry.database
        self.regions = registry.regions
        self.settings = settings
    }

    /// Levels in the 2020 proportions, with mean enrolment per school.
    static let levels: [(stage: SchoolStage, share: Double, mean: Double, grades: ClosedRange<Int>)] = [
        (.primary, 6855.0 / 9346, 580, 1...6), (.junior, 2020.0 / 9346, 880, 7...9), (.senior, 471.0 / 9346, 2070, 10...12),
    ]

    /// Runs (or resumes) the generation, reporting after each school.
    public func run(progress: @Sendable (Progress) -> Void) async throws -> Progress {
        let key = "province:\(settings.seed):\(settings.schools):\(settings.students)"
        var next = try await loadProgress(key)
        var written = 0
        let counties = try countyWeights()
        // The expected enrolment per school (level means, times the expected urban/rural factor over
        // the counties' weights), to scale enrolments to the requested number of students.
        let meanPerSchool = Self.levels.reduce(0) { $0 + $1.share * $1.mean }
        let totalWeight = counties.reduce(0) { $0 + $1.weight }
        let localeFactor = counties.reduce(0) { sum, c in
            let r = ruralShare(c.code)
            return sum + c.weight / totalWeight * (Self.ruralFactor * r + Self.urbanFactor * (1 - r))
        }
        let scale = Double(settings.students) / (meanPerSchool * localeFactor * Double(settings.schools))
        let stop = min(settings.schools, settings.stopAfter.map { next + $0 } ?? settings.schools)
        while next < stop {
            let n = try await writeSchool(next, counties: counties, scale: scale, key: key)
            written += n
            next += 1
            progress(Progress(schoolsDone: next, schoolsTotal: settings.schools, studentsWritten: written))
        }
        return Progress(schoolsDone: next, schoolsTotal: settings.schools, studentsWritten: written)
    }

    func countyWeights() throws -> [(code: RegionCode, weight: Double)] {
        var out: [(RegionCode, Double)] = []
        for (prefecture, share) in try PilotSchoolSeed.allocation(total: 10_000) {
            let counties = regions.counties(within: prefecture)
            for c in counties { out.append((c.code, Double(share) / Double(counties.count))) }
        }
        return out
    }

    /// A deterministic id for the n-th thing of a kind in school i.
    func uuid(_ kind: UInt64, _ i: Int, _ n: Int) -> UUID {
        var r = SeededRandom(seed: settings.seed &* 0x9E37_79B9 ^ kind &* 0xC2B2_AE3D ^ UInt64(i) << 24 ^ UInt64(n))
        var a = r.next(), b = r.next()
        a = (a & ~(0xF << 12)) | (0x4 << 12)
        b = (b & ~(0x3 << 62)) | (0x2 << 62)
        let bytes = withUnsafeBytes(of: a.bigEndian) { Array($0) } + withUnsafeBytes(of: b.bigEndian) { Array($0) }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// Writes school i with its people in one transaction; returns its students.
    func writeSchool(_ i: Int, counties: [(code: RegionCode, weight: Double)], scale: Double, key: String) async throws -> Int {
        var rng = SeededRandom(seed: settings.seed ^ (UInt64(i) &* 0x100_0000_01B3))
        let level = Self.pick(rng.unit(), Self.levels.map(\.share)).map { Self.levels[$0] } ?? Self.levels[0]
        let county = Self.pick(rng.unit() * counties.reduce(0) { $0 + $1.weight }, counties.map(\.weight)).map { counties[$0].code } ?? counties[0].code
        let rural = rng.unit() < ruralShare(county)
        let students = max(20, Int(level.mean * scale * (rural ? Self.ruralFactor : Self.urbanFactor) * exp(rng.normal(sd: 0.6) - 0.18)))
        let now = Date()
        let schoolID = uuid(1, i, 0)
        let perGrade = max(1, students / level.grades.count)
        return try await database.db.transaction { db in
            let sql = db as! any SQLDatabase
            try await sql.insert(into: "schools")
                .columns("id", "name", "county_code", "created_at", "stages", "locale", "enrolment", "synthetic", "version", "updated_at")
                .values(SQLBind(schoolID), SQLBind("生成·\(regions.region(county)?.name ?? "")第\(i + 1)号\(level.stage == .primary ? "小学" : level.stage == .junior ? "初中" : "高中")"),
                        SQLBind(county.rawValue), SQLBind(now), SQLBind(",\(level.stage.rawValue),"), SQLBind(rural ? "rural" : "urban"),
                        SQLBind(students), SQLBind(true), SQLBind(1), SQLBind(now))
                .run()
            var users: [[any SQLExpression]] = []
            var classes: [[any SQLExpression]] = []
            var members: [[any SQLExpression]] = []
            var n = 0, c = 0
            let year = "2026-2027"
            for grade in level.grades {
                let classCount = max(1, Int((Double(perGrade) / 45).rounded(.up)))
                for k in 0..<classCount {
                    let classID = uuid(2, i, c)
                    c += 1
                    classes.append([SQLBind(classID), SQLBind(schoolID), SQLBind(String(grade)), SQLBind("\(grade)-\(k + 1)"), SQLBind(now), SQLBind(year)])
                    let teacherID = uuid(3, i, c)
                    users.append(userRow(teacherID, "g\(settings.seed).s\(i).t\(c)", "教师", "teacher", schoolID, nil, now))
                    members.append([SQLBind(uuid(4, i, n + 1_000_000 + c)), SQLBind(teacherID), SQLBind(classID), SQLBind("teacher"), SQLBind(now)])
                    let size = perGrade / classCount + (k < perGrade % classCount ? 1 : 0)
                    for _ in 0..<size {
                        let studentID = uuid(5, i, n)
                        users.append(userRow(studentID, "g\(settings.seed).s\(i).\(n)", "学生", "student", schoolID, String(grade), now))
                        members.append([SQLBind(uuid(4, i, n)), SQLBind(studentID), SQLBind(classID), SQLBind("student"), SQLBind(now)])
                        n += 1
                    }
                }
            }
            try await Self.insert(sql, "classes", ["id", "school_id", "grade", "name", "created_at", "academic_year"], classes)
            try await Self.insert(sql, "users", ["id", "username", "display_name", "role", "school_id", "grade", "created_at", "updated_at"], users)
            try await Self.insert(sql, "memberships", ["id", "user_id", "class_id", "role", "created_at"], members)
            try await Rollups().recountEnrolment(schools: [schoolID], on: sql)
            try await saveProgress(key, next: i + 1, on: sql)
            return n
        }
    }

    /// Rural schools are smaller, urban ones larger, than the level's mean.
    static let ruralFactor = 0.55, urbanFactor = 1.35

    /// The share of rural schools: a quarter in districts (区), three fifths in counties and county-level cities.
    func ruralShare(_ county: RegionCode) -> Double {
        regions.region(county)?.name.hasSuffix("区") == true ? 0.25 : 0.6
    }

    /// The index whose cumulative weight first exceeds `x`.
    static func pick(_ x: Double, _ weights: [Double]) -> Int? {
        var rest = x
        for (i, w) in weights.enumerated() {
            if rest < w { return i }
            rest -= w
        }
        return weights.indices.last
    }

    func userRow(_ id: UUID, _ username: String, _ display: String, _ role: String, _ school: UUID, _ grade: String?, _ now: Date) -> [any SQLExpression] {
        [SQLBind(id), SQLBind(username), SQLBind(display), SQLBind(role), SQLBind(school), grade.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null,
         SQLBind(now), SQLBind(now)]
    }

    /// Multi-row inserts of at most 500 rows (well inside both engines' limits on bound values).
    static func insert(_ sql: any SQLDatabase, _ table: String, _ columns: [String], _ rows: [[any SQLExpression]]) async throws {
        for start in stride(from: 0, to: rows.count, by: 500) {
            let builder = sql.insert(into: table).columns(columns)
            for row in rows[start..<min(start + 500, rows.count)] { builder.values(row) }
            try await builder.run()
        }
    }

    func loadProgress(_ key: String) async throws -> Int {
        try await database.sql.raw("SELECT next_index FROM seed_progress WHERE name = \(bind: key)").first(decodingColumn: "next_index", as: Int.self) ?? 0
    }

    func saveProgress(_ key: String, next: Int, on sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE seed_progress SET next_index = \(bind: next) WHERE name = \(bind: key)").run()
        if try await sql.raw("SELECT next_index FROM seed_progress WHERE name = \(bind: key)").first() == nil {
            try await sql.raw("INSERT INTO seed_progress (name, next_index) VALUES (\(bind: key), \(bind: next))").run()
        }
    }
}
