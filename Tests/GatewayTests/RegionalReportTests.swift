import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Persistence
import QianxueCore
import Registry
import SQLKit
import Testing
import TestSupport

/// What a prefecture analyst pulls: the four reports in three formats, small cells suppressed,
/// other prefectures out of reach, bad parameters named, every pull audited.
@Suite struct RegionalReportTests {
    static let term = "2026-2027-1"

    /// Two schools in 红花岗区 (520302): the fixture's school A with a small level-C group, and a
    /// larger one; one school in 汇川区 (520303).
    static func seedLiteracy(_ f: GatewayFixture) async throws -> (small: UUID, large: UUID, other: UUID) {
        let r = f.platform.registry
        let large = try await r.createSchool(SchoolProfile(name: "红花岗区实验中学", county: "520302", stages: [.junior]))
        let other = try await r.createSchool(SchoolProfile(name: "汇川区第一中学", county: "520303", stages: [.junior], locale: .rural))
        let sql = f.platform.database.sql
        let rollups = Rollups()
        func results(_ school: UUID, _ band: String, _ levels: [String: Int]) async throws {
            for (level, n) in levels {
                for _ in 0..<n {
                    var current = [Rollups.overall: level]
                    for d in ["HM", "ET", "TA", "SD"] { current[d] = level }
                    try await rollups.replaceLiteracy(school: school, term: term, band: band, previous: nil, current: current, on: sql)
                }
            }
        }
        try await results(f.schoolA.id, "primary-upper", ["U": 30, "A": 25, "C": 4])
        try await results(large.id, "junior", ["U": 12, "A": 40, "C": 20])
        try await results(other.id, "junior", ["U": 15, "A": 15, "C": 15])
        // Enrolment as if these schools had these students (the fixture's few users are replaced).
        try await sql.delete(from: Rollups.enrolment).run()
        for (school, band, n) in [(f.schoolA.id, "primary-upper", 80), (large.id, "junior", 100), (other.id, "junior", 60)] {
            try await sql.insert(into: Rollups.enrolment).columns("school_id", "band", "students").values(SQLBind(school), SQLBind(band), SQLBind(n)).run()
        }
        return (f.schoolA.id, large.id, other.id)
    }

    static func analyst(_ f: GatewayFixture, _ client: some TestClientProtocol, region: String = "5203") async throws -> String {
        let name = "analyst.\(region)"
        _ = try await f.platform.registry.createUser(NewUser(username: name, role: .bureau, regionCode: region, password: GatewayFixture.password), actor: nil)
        let body = try JSONEncoder().encode(["username": name, "password": GatewayFixture.password])
        return try await client.execute(uri: "/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                        body: ByteBuffer(bytes: body)) { $0.json["token"] as? String ?? "" }
    }

    /// Checks the report's own promise: in every section and every students column, a visible total
    /// never has exactly one hidden group under it (subtraction would give it away).
    static func expectNoCellRecoverable(_ json: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) {
        for section in json["sections"] as? [[String: Any]] ?? [] {
            let columns = (section["columns"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "students" }.compactMap { $0["key"] as? String }
            let rows = section["rows"] as? [[String: Any]] ?? []
            guard let total = rows.first(where: { $0["role"] as? String == "total" })?["cells"] as? [String: Any] else { continue }
            let groups = rows.filter { $0["role"] as? String == "group" }.compactMap { $0["cells"] as? [String: Any] }
            for c in columns where total[c] is NSNumber {
                let visible = groups.compactMap { $0[c] as? NSNumber }.map(\.doubleValue)
                let hidden = groups.count - visible.count
                #expect(hidden != 1, "section \(section["id"] ?? "") column \(c): one hidden cell = total − visible", sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aPrefectureAnalystPullsTheLiteracyReportWithSmallCellsSuppressed(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            // given
            let ids = try await Self.seedLiteracy(f)
            try await f.app().test(.router) { client in
                let token = try await Self.analyst(f, client)
                // when: the prefecture, by county
                try await client.execute(uri: "/v1/reports/literacy?region=5203&period=\(Self.term)", method: .get, headers: bearer(token)) { r in
                    // then
                    #expect(r.status == .ok)
                    #expect(r.json["kind"] as? String == "literacy")
                    let sections = r.json["sections"] as? [[String: Any]] ?? []
                    #expect(sections.map { $0["id"] as? String ?? "" } == ["overview", "dimension-HM", "dimension-ET", "dimension-TA", "dimension-SD"])
                    let rows = sections.first?["rows"] as? [[String: Any]] ?? []
                    #expect(rows.count == 1 + 14, "the total and Zunyi's 14 counties")
                    let total = rows.first?["cells"] as? [String: Any] ?? [:]
                    #expect(total["assessed"] as? Int == 59 + 72 + 45)
                    #expect(total["enrolled"] as? Int == 240)
                    let hhg = rows.first { $0["key"] as? String == "520302" }?["cells"] as? [String: Any] ?? [:]
                    #expect(hhg["C"] as? Int == 24)
                    Self.expectNoCellRecoverable(r.json)
                }
                // when: drilling into the county, by school
                try await client.execute(uri: "/v1/reports/literacy?region=520302&period=\(Self.term)", method: .get, headers: bearer(token)) { r in
                    let rows = (r.json["sections"] as? [[String: Any]])?.first?["rows"] as? [[String: Any]] ?? []
                    let small = rows.first { $0["key"] as? String == ids.small.uuidString.lowercased() }?["cells"] as? [String: Any] ?? [:]
                    // then: 4 students at level C read <10, and the share they would give away is hidden too
                    #expect(small["C"] as? String == "<10")
                    #expect(small["atLeastApply"] as? String == "*")
                    Self.expectNoCellRecoverable(r.json)
                }
                // when: by band
                try await client.execute(uri: "/v1/reports/literacy?region=5203&period=\(Self.term)&groupBy=band", method: .get, headers: bearer(token)) { r in
                    let rows = (r.json["sections"] as? [[String: Any]])?.first?["rows"] as? [[String: Any]] ?? []
                    let junior = rows.first { $0["key"] as? String == "junior" }?["cells"] as? [String: Any] ?? [:]
                    #expect(junior["assessed"] as? Int == 117)
                    Self.expectNoCellRecoverable(r.json)
                }
            }
            _ = ids.other
        }
    }

    @Test(arguments: TestDatabase.engines)
    func everyReportComesInThreeFormatsAndAnotherPrefectureIsAbsent(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            _ = try await Self.seedLiteracy(f)
            try await f.app().test(.router) { client in
                let token = try await Self.analyst(f, client)
                for path in ["literacy", "pilot-programme", "usage", "teachers"] {
                    // when / then: JSON, CSV and HTML, by format and by Accept
                    try await client.execute(uri: "/v1/reports/\(path)?region=5203&format=csv", method: .get, headers: bearer(token)) { r in
                        #expect(r.status == .ok, "\(path) csv")
                        #expect(r.headers[.contentType]?.hasPrefix("text/csv") == true)
                        #expect(r.text.contains("section,sectionTitle"), "\(path) csv header")
                    }
                    var accept = bearer(token)
                    accept[.accept] = "text/html"
                    try await client.execute(uri: "/v1/reports/\(path)?region=5203", method: .get, headers: accept) { r in
                        #expect(r.status == .ok, "\(path) html")
                        #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
                        #expect(r.text.contains("<svg") && r.text.contains("<table"), "\(path) has charts and tables")
                        #expect(r.text.contains("遵义市"))
                    }
                    try await client.execute(uri: "/v1/reports/\(path)?region=5203", method: .get, headers: bearer(token)) { r in
                        #expect(r.status == .ok, "\(path) json")
                        #expect((r.json["sections"] as? [Any])?.isEmpty == false)
                    }
                    // another prefecture is as if it did not exist
                    try await client.execute(uri: "/v1/reports/\(path)?region=5201", method: .get, headers: bearer(token)) { r in
                        #expect(r.status == .notFound, "\(path) of Guiyang for a Zunyi analyst")
                    }
                }
                let teacher = try await f.token(client, f.teacherA)
                try await client.execute(uri: "/v1/reports/usage", method: .get, headers: bearer(teacher)) { r in
                    #expect(r.status == .forbidden)
                }
                // then: every successful pull was audited (4 reports × 3 formats)
                let rows = try await f.platform.database.sql.raw("SELECT target_id FROM audit_events WHERE action = 'report.pull'").all()
                #expect(rows.count == 12)
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func badParametersAreNamed(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let token = try await Self.analyst(f, client, region: "52")
                let cases = [
                    ("literacy?region=9999", "region"), ("usage?region=5299", "region"), ("usage?period=2026-2027-3", "period"),
                    ("usage?from=2026-12-01&to=2026-11-01", "from"), ("teachers?from=2025-01-01&to=2027-06-01", "to"),
                    ("literacy?groupBy=colour", "groupBy"), ("usage?groupBy=band", "groupBy"), ("literacy?from=2026-12-01&to=2027-03-01", "to"),
                    ("literacy?compareTo=last-year", "compareTo"), ("usage?from=2026-11-01", "to"),
                ]
                for (query, field) in cases {
                    try await client.execute(uri: "/v1/reports/\(query)", method: .get, headers: bearer(token)) { r in
                        #expect(r.status == .badRequest, "\(query)")
                        #expect(r.headers[.contentType] == "application/problem+json", "\(query)")
                        #expect((r.json["fields"] as? [String]) == [field], "\(query) names \(field): \(r.text)")
                    }
                }
            }
        }
    }
}
