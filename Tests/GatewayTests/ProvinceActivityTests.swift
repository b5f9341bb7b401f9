import Assessment
import Foundation
import Gateway
import Persistence
import QianxueCore
import Registry
import SQLKit
import Testing
import TestSupport

/// The province activity generator (PostgreSQL only, as the generator is): its rollups are what a
/// rebuild counts from its raw rows, a second run changes nothing, and a generated result reads
/// back through the student's literacy record.
@Suite struct ProvinceActivityTests {
    @Test(.enabled(if: TestDatabase.engines.contains(.postgres)))
    func aSmallProvincesRollupsEqualARebuildFromItsRawRows() async throws {
        try await TestDatabase.with(.postgres, migrations: Platform.migrations, key: "platform") { db in
            var config = AppConfig()
            config.port = 0
            let platform = try await Platform.open(config: config, logger: TestDatabase.logger, hasher: TestHasher(), database: db,
                                                   curriculum: GatewayFixture.shippedCurriculum, itemBank: GatewayFixture.shippedItemBank,
                                                   forms: GatewayFixture.shippedForms)
            // given a generated province of 20 schools and about 2,000 students
            var province = ProvinceGenerator.Settings()
            province.schools = 20
            province.students = 2000
            province.seed = 7
            _ = try await ProvinceGenerator(registry: platform.registry, settings: province).run { _ in }
            let sql = platform.database.sql
            let prefecture = try #require(try await sql.raw("""
                SELECT substr(s.county_code, 1, 4) AS p FROM users u JOIN schools s ON s.id = u.school_id
                WHERE u.role = 'student' GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1
                """).first(decodingColumn: "p", as: String.self))

            // when a month of activity is generated, with raw usage rows for the prefecture with most students
            var settings = ProvinceActivity.Settings()
            settings.usagePrefecture = prefecture
            settings.through = "2026-09-30"
            let activity = try ProvinceActivity(database: platform.database, regions: platform.registry.regions, settings: settings)
            let steps = try await activity.run { _ in }
            #expect(steps.allSatisfy { !$0.skipped })
            let generated = try await Self.rollups(sql)

            // then every student has one result per term, counted once in the literacy rollup
            let students = try #require(try await sql.raw("SELECT COUNT(*) AS n FROM users WHERE role = 'student'").first(decodingColumn: "n", as: Int.self))
            let attempts = try #require(try await sql.raw("""
                SELECT COUNT(*) AS n FROM assessment_attempts WHERE status = 'finished'
                """).first(decodingColumn: "n", as: Int.self))
            #expect(attempts == 2 * students)
            let counted = generated.filter { $0.hasPrefix("literacy ") && $0.contains(" ALL ") }
                .reduce(0) { $0 + Int($1.split(separator: " ").last!)! }
            #expect(counted == 2 * students)
            // and schools outside the prefecture have usage rollups without raw rows, those inside have both
            let outside = try await Self.count(sql, """
                SELECT COUNT(*) AS n FROM rollup_usage_daily r JOIN schools s ON s.id = r.school_id
                WHERE s.county_code NOT LIKE '\(prefecture)%' AND r.companion_sessions > 0
                """)
            #expect(outside > 0)
            let rawSessions = try await Self.count(sql, "SELECT COUNT(*) AS n FROM companion_sessions")
            #expect(rawSessions > 0)
            #expect(try await Self.count(sql, """
                SELECT COUNT(*) AS n FROM companion_sessions c JOIN schools s ON s.id = c.school_id WHERE s.county_code NOT LIKE '\(prefecture)%'
                """) == 0)
            #expect(try await Self.count(sql, "SELECT COUNT(*) AS n FROM pd_completions") > 0)

            // when it runs again, nothing changes
            let again = try await activity.run { _ in }
            #expect(again.allSatisfy { $0.skipped })
            #expect(try await Self.rollups(sql) == generated)

            // when the rollups are rebuilt from the raw rows
            try await ReportRollups.rebuild(on: platform.database)
            let rebuilt = try await Self.rollups(sql)
            // then literacy and enrolment come out the same everywhere, usage and teachers' weeks in the prefecture
            let schoolsInside = Set(try await sql.raw("SELECT id FROM schools WHERE county_code LIKE \(bind: prefecture + "%")").all()
                .map { try $0.decode(column: "id", as: UUID.self).uuidString.lowercased() })
            let teachersInside = Set(try await sql.raw("""
                SELECT u.id FROM users u JOIN schools s ON s.id = u.school_id WHERE s.county_code LIKE \(bind: prefecture + "%")
                """).all().map { try $0.decode(column: "id", as: UUID.self).uuidString.lowercased() })
            func comparable(_ rows: [String]) -> [String] {
                rows.filter { row in
                    let parts = row.split(separator: " ")
                    switch parts[0] {
                    case "usage", "teachers": return schoolsInside.contains(String(parts[1]))
                    case "seen": return teachersInside.contains(String(parts[1]))
                    default: return true
                    }
                }
            }
            #expect(comparable(generated).count > 100)
            #expect(comparable(generated) == rebuilt)
            #expect(generated.filter { $0.hasPrefix("usage ") }.count > rebuilt.filter { $0.hasPrefix("usage ") }.count)

            // and a generated student's literacy record reads both results, with the levels the rollup counted
            let student = try #require(try await sql.raw("""
                SELECT u.id FROM users u WHERE u.role = 'student' ORDER BY u.id LIMIT 1
                """).first(decodingColumn: "id", as: UUID.self))
            let admin = Principal(userID: UUID(), username: "root", role: .admin, schoolID: nil, regionCode: nil, tokenID: nil)
            let record = try await platform.assessment.literacyRecord(of: student, for: admin, requestID: nil)
            #expect(record.results.count == 2)
            #expect(record.results.map { AcademicTerm(containing: $0.finishedAt).description } == ["2025-2026-2", "2026-2027-1"])
            for result in record.results {
                #expect(result.kind == .adaptive)
                #expect(result.profile.dimensions.map(\.dimension) == Competency.Dimension.allCases)
                #expect(result.profile.itemCount == result.profile.dimensions.reduce(0) { $0 + $1.itemCount })
                #expect(result.pendingTeacherScores == 0)
            }
            let history = try await platform.assessment.literacy(of: student, for: admin, requestID: nil)
            #expect(history.count == 2)
        }
    }

    static func count(_ sql: any SQLDatabase, _ text: String) async throws -> Int {
        try await sql.raw("\(unsafeRaw: text)").first(decodingColumn: "n", as: Int.self) ?? 0
    }

    /// Every rollup row as text ("table key… value…"), sorted.
    static func rollups(_ sql: any SQLDatabase) async throws -> [String] {
        var out: [String] = []
        for row in try await sql.raw("SELECT * FROM rollup_literacy").all() {
            out.append("literacy \(try row.decode(column: "school_id", as: UUID.self).uuidString.lowercased()) \(try row.decode(column: "term", as: String.self)) "
                       + "\(try row.decode(column: "band", as: String.self)) \(try row.decode(column: "dimension", as: String.self)) "
                       + "\(try row.decode(column: "level", as: String.self)) \(try row.decode(column: "students", as: Int.self))")
        }
        for row in try await sql.raw("SELECT * FROM rollup_usage_daily").all() {
            let values = try UsageCounts.columns.map { String(try row.decode(column: $0, as: Int.self)) }.joined(separator: " ")
            out.append("usage \(try row.decode(column: "school_id", as: UUID.self).uuidString.lowercased()) \(try row.decode(column: "day", as: String.self)) \(values)")
        }
        for row in try await sql.raw("SELECT * FROM rollup_teacher_weeks").all() {
            out.append("teachers \(try row.decode(column: "school_id", as: UUID.self).uuidString.lowercased()) \(try row.decode(column: "week", as: String.self)) "
                       + "\(try row.decode(column: "teachers", as: Int.self))")
        }
        for row in try await sql.raw("SELECT * FROM rollup_teacher_week_seen").all() {
            out.append("seen \(try row.decode(column: "user_id", as: UUID.self).uuidString.lowercased()) \(try row.decode(column: "week", as: String.self))")
        }
        for row in try await sql.raw("SELECT * FROM rollup_enrolment").all() {
            out.append("enrolment \(try row.decode(column: "school_id", as: UUID.self).uuidString.lowercased()) \(try row.decode(column: "band", as: String.self)) "
                       + "\(try row.decode(column: "students", as: Int.self))")
        }
        return out.sorted()
    }
}
