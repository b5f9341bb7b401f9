import Foundation
import HTTPTypes
import HummingbirdTesting
import Inference
import NIOCore
import QianxueCore
import Registry
import Testing
import TestSupport

@Suite struct InferenceUsageTests {
    func get(_ client: some TestClientProtocol, _ token: String, _ query: String) async throws -> TestResponse {
        try await client.execute(uri: "/v1/inference/usage\(query)", method: .get, headers: bearer(token)) { $0 }
    }

    func totals(_ json: [String: Any]) -> (requests: Int, tokens: Int, refused: Int, failed: Int) {
        let t = json["totals"] as? [String: Any] ?? [:]
        return ((t["requests"] as? Int) ?? -1, ((t["promptTokens"] as? Int) ?? 0) + ((t["completionTokens"] as? Int) ?? 0),
                (t["refused"] as? Int) ?? -1, (t["failed"] as? Int) ?? -1)
    }

    func part(_ json: [String: Any], _ id: String) -> [String: Any]? {
        (json["parts"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    @Test(arguments: TestDatabase.engines)
    func useIsSummedByRegionSchoolAndDayForThoseInScope(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                // given: school A (county 520302, Zunyi) today and yesterday, school B (520102, Guiyang), province staff
                let ledger = SQLInferenceLedger(database: f.platform.database)
                let now = Date()
                let yesterday = now.addingTimeInterval(-86_400)
                func entry(_ user: UserRecord, _ school: SchoolRecord?, _ p: Int, _ c: Int, _ outcome: LedgerEntry.Outcome, at: Date = now) -> LedgerEntry {
                    LedgerEntry(userID: user.id, schoolID: school?.id, county: school?.countyCode.rawValue, purpose: "chat", provider: "offline",
                                model: "qianxue-offline", promptTokens: p, completionTokens: c, firstTokenMilliseconds: 5,
                                durationMilliseconds: 10, outcome: outcome, at: at)
                }
                try await ledger.record(entry(f.teacherA, f.schoolA, 100, 50, .completed))
                try await ledger.record(entry(f.teacherA, f.schoolA, 10, 5, .failed, at: yesterday))
                try await ledger.record(entry(f.studentB, f.schoolB, 7, 3, .refused))
                try await ledger.record(entry(f.admin, nil, 1, 1, .completed))
                let bureau = try await f.platform.registry.createUser(
                    NewUser(username: "bureau.zunyi", role: .bureau, regionCode: "5203", password: GatewayFixture.password), actor: nil)
                let today = PlatformCalendar.day(of: now)

                // when an admin reads the province
                let admin = try await f.token(client, f.admin)
                let province = try await get(client, admin, "")
                #expect(province.status == .ok)
                let p = province.json
                #expect(totals(p) == (4, 177, 1, 1))
                #expect(p["regionCode"] as? String == "52")
                #expect((p["days"] as? [[String: Any]])?.count == 30)
                #expect((p["days"] as? [[String: Any]])?.last?["day"] as? String == today)
                #expect((part(p, "5203")?["usage"] as? [String: Any])?["requests"] as? Int == 2)
                #expect((part(p, "5201")?["usage"] as? [String: Any])?["requests"] as? Int == 1)
                #expect((p["parts"] as? [[String: Any]])?.count == 9)

                // a prefecture sums its counties; a county breaks down into its schools
                let zunyi = try await get(client, admin, "?region=5203&from=\(today)&to=\(today)").json
                #expect(totals(zunyi) == (1, 150, 0, 0))
                #expect((zunyi["days"] as? [[String: Any]])?.count == 1)
                let county = try await get(client, admin, "?region=520302").json
                #expect(totals(county) == (2, 165, 0, 1))
                let schoolPart = try #require(part(county, f.schoolA.id.uuidString.lowercased()))
                #expect(schoolPart["kind"] as? String == "school" && schoolPart["name"] as? String == f.schoolA.name)

                // a bureau user sees their region and below, nothing outside it
                let b = try await f.token(client, bureau)
                let own = try await get(client, b, "")
                #expect(own.status == .ok && own.json["regionCode"] as? String == "5203" && totals(own.json).requests == 2)
                #expect(try await get(client, b, "?region=5201").status == .notFound)
                #expect(try await get(client, b, "?school=\(f.schoolB.id)").status == .notFound)
                #expect(totals(try await get(client, b, "?school=\(f.schoolA.id)").json) == (2, 165, 0, 1))

                // a school admin sees their school; teachers and students see no usage
                let sa = try await f.token(client, f.schoolAdminA)
                #expect(try await get(client, sa, "?school=\(f.schoolA.id)").json["schoolName"] as? String == f.schoolA.name)
                #expect(try await get(client, sa, "").isProblem(.forbidden))
                #expect(try await get(client, try await f.token(client, f.teacherA), "").isProblem(.forbidden))

                // bad periods are named
                for bad in ["?from=2026-13-01", "?from=2026-11-20&to=2026-11-01", "?from=2024-01-01&to=2026-01-01", "?school=nope"] {
                    let r = try await get(client, admin, bad)
                    #expect(r.isProblem(.validation), "\(bad): \(r.text)")
                }
            }
        }
    }
}
