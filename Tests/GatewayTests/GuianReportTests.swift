import Foundation
import Gateway
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Persistence
import QianxueCore
import Registry
import Testing
import TestSupport

/// The Gui'an New Area as a reporting unit of its own: its schools by their `functionalArea` tag,
/// beside the prefectures in the province's report, and a bureau user scoped to it.
@Suite struct GuianReportTests {
    @Test(arguments: TestDatabase.engines)
    func aGuianAnalystSeesTheNewAreaAndNothingElse(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            // given: two Gui'an schools in Guiyang's Huaxi (520111) and Anshun's Xixiu (520402), one ordinary Guiyang school
            let r = f.platform.registry
            let huaxi = try await r.createSchool(SchoolProfile(name: "贵安新区花溪实验学校", county: "520111", stages: [.junior], functionalArea: "guian"))
            let xixiu = try await r.createSchool(SchoolProfile(name: "贵安新区西秀学校", county: "520402", stages: [.junior], functionalArea: "guian"))
            let plain = try await r.createSchool(SchoolProfile(name: "花溪区第二中学", county: "520111", stages: [.junior]))
            let sql = f.platform.database.sql
            for (school, n) in [(huaxi.id, 30), (xixiu.id, 20), (plain.id, 40)] {
                for i in 0..<n {
                    let level = ["U", "A", "C"][i % 3]
                    try await Rollups().replaceLiteracy(school: school, term: "2026-2027-1", band: "junior", previous: nil,
                                                        current: [Rollups.overall: level, "HM": level, "ET": level, "TA": level, "SD": level], on: sql)
                }
            }
            for (name, region) in [("guian.analyst", "guian"), ("guiyang.analyst", "5201"), ("province.analyst", "52")] {
                _ = try await r.createUser(NewUser(username: name, role: .bureau, regionCode: region, password: GatewayFixture.password), actor: nil)
            }
            try await f.app().test(.router) { client in
                func login(_ name: String) async throws -> String {
                    let body = try JSONEncoder().encode(["username": name, "password": GatewayFixture.password])
                    return try await client.execute(uri: "/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                    body: ByteBuffer(bytes: body)) { $0.json["token"] as? String ?? "" }
                }
                let guian = try await login("guian.analyst")
                // when: the Gui'an analyst pulls the literacy report without a region
                try await client.execute(uri: "/v1/reports/literacy?period=2026-2027-1", method: .get, headers: bearer(guian)) { res in
                    // then: the area, by school, and only its two schools
                    #expect(res.status == .ok)
                    #expect((res.json["unit"] as? [String: Any])?["code"] as? String == "guian")
                    let rows = (res.json["sections"] as? [[String: Any]])?.first?["rows"] as? [[String: Any]] ?? []
                    // (the seeded pilot schools include some of the area's: their names start with 示例)
                    let labels = rows.compactMap { $0["label"] as? String }.filter { !$0.hasPrefix("示例") }
                    #expect(labels.sorted() == ["贵安新区合计", "贵安新区花溪实验学校", "贵安新区西秀学校"].sorted())
                    #expect(!rows.contains { ($0["label"] as? String) == "花溪区第二中学" })
                    #expect((rows.first?["cells"] as? [String: Any])?["assessed"] as? Int == 50)
                }
                for outside in ["5201", "520111", "52"] {
                    try await client.execute(uri: "/v1/reports/usage?region=\(outside)", method: .get, headers: bearer(guian)) { res in
                        #expect(res.status == .notFound, "a Gui'an analyst asking for \(outside)")
                    }
                }
                // the school list is the area's too
                try await client.execute(uri: "/v1/schools", method: .get, headers: bearer(guian)) { res in
                    let names = (res.json["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }.filter { !$0.hasPrefix("示例") }
                    #expect(names.sorted() == ["贵安新区花溪实验学校", "贵安新区西秀学校"].sorted())
                }
                try await client.execute(uri: "/v1/me", method: .get, headers: bearer(guian)) { res in
                    #expect(res.json["regionCode"] as? String == "guian")
                }
                // Guiyang holds only part of the area: its analyst cannot ask for it
                let guiyang = try await login("guiyang.analyst")
                try await client.execute(uri: "/v1/reports/literacy?region=guian", method: .get, headers: bearer(guiyang)) { res in
                    #expect(res.status == .notFound)
                }
                // the province's report lists the area beside the prefectures, outside the total
                let province = try await login("province.analyst")
                try await client.execute(uri: "/v1/reports/literacy?period=2026-2027-1", method: .get, headers: bearer(province)) { res in
                    let rows = (res.json["sections"] as? [[String: Any]])?.first?["rows"] as? [[String: Any]] ?? []
                    let area = rows.first { $0["key"] as? String == "guian" }
                    #expect(area?["role"] as? String == "overlap")
                    #expect((area?["cells"] as? [String: Any])?["assessed"] as? Int == 50)
                    #expect((rows.first?["cells"] as? [String: Any])?["assessed"] as? Int == 90)
                    #expect(rows.filter { $0["role"] as? String == "group" }.count == 9)
                }
            }
        }
    }
}

/// A platform that had students before the rollups existed gets them built on its next start.
@Suite struct RollupFirstBuildTests {
    @Test(arguments: TestDatabase.engines)
    func aPlatformWithHistoryBuildsItsRollupsOnTheNextStart(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            // given: students exist, the rollups are empty (as just after the upgrade that added them)
            let sql = f.platform.database.sql
            for table in Rollups.tables { try await sql.delete(from: table).run() }
            // when: the platform opens again on the same database
            let again = try await Platform.open(config: f.platform.config, logger: TestDatabase.logger, hasher: TestHasher(),
                                                database: f.platform.database, curriculum: GatewayFixture.shippedCurriculum,
                                                itemBank: GatewayFixture.shippedItemBank, forms: GatewayFixture.shippedForms)
            // then: the fixture's two schools' students are counted again
            let rows = try await sql.raw("SELECT school_id, students FROM \(unsafeRaw: Rollups.enrolment)").all()
            let counts = Dictionary(uniqueKeysWithValues: try rows.map { (try $0.decode(column: "school_id", as: UUID.self), try $0.decode(column: "students", as: Int.self)) })
            #expect(counts == [f.schoolA.id: 1, f.schoolB.id: 1])
            #expect(try await ReportRollups.neverBuilt(on: again.database) == false)
        }
    }
}
