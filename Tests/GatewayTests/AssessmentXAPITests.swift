import Assessment
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Registry
import Testing
import TestSupport

/// xAPI statements of attempts and responses, paged with `more` links.
@Suite struct AssessmentXAPITests {
    func get(_ client: some TestClientProtocol, _ token: String, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: bearer(token)) { $0 }
    }

    @Test(arguments: TestDatabase.engines)
    func anAdaptiveTestReadsAsStatementsPageByPage(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                // given a student who finished an adaptive test
                let c = try await AssessmentFormTests.juniorClass(f, client, username: "student.xapi", displayName: "杨小花")
                let started = try await AssessmentFlowTests().post(client, c.studentToken, "/v1/assessment/attempts", ["kind": "adaptive"])
                let done = try await AssessmentFormTests.sitToTheEnd(client, c.studentToken, started.json)
                let answered = try #require(done["answered"] as? Int)
                let admin = try await f.token(client, f.admin)

                // when an admin pages through the statements five at a time, following `more`
                var uri = "/v1/xapi/statements?limit=5"
                var statements: [[String: Any]] = []
                var pages = 0
                while !uri.isEmpty && pages < 20 {
                    let page = try await get(client, admin, uri)
                    #expect(page.status == .ok, "\(page.text)")
                    #expect(page.headers[HTTPField.Name("X-Experience-API-Version")!] == "1.0.3")
                    #expect(!page.text.contains("杨小花") && !page.text.contains("correctResponsesPattern"))
                    statements += page.json["statements"] as? [[String: Any]] ?? []
                    uri = page.json["more"] as? String ?? ""
                    pages += 1
                }

                // then every event is there once, in order: attempted, each answer, completed
                let verbs = statements.map { (($0["verb"] as? [String: Any])?["id"] as? String)?.split(separator: "/").last.map(String.init) ?? "" }
                #expect(verbs == ["attempted"] + Array(repeating: "answered", count: answered) + ["completed"])
                #expect(pages == (answered + 2 + 4) / 5)
                #expect(Set(statements.compactMap { $0["id"] as? String }).count == statements.count)
                let stored = statements.compactMap { $0["stored"] as? String }
                #expect(stored == stored.sorted())
                let actor = try #require(statements.first?["actor"] as? [String: Any])
                #expect((actor["account"] as? [String: Any])?["name"] as? String == c.student.id.uuidString.lowercased())
                let registration = statements.compactMap { ($0["context"] as? [String: Any])?["registration"] as? String }
                #expect(Set(registration) == [started.json["id"] as! String])
                let completed = try #require(statements.last?["result"] as? [String: Any])
                #expect((completed["extensions"] as? [String: Any])?["https://qianxue.dev/xapi/extensions/theta"] is Double)
                let answer = try #require(statements[1]["result"] as? [String: Any])
                #expect(answer["success"] is Bool && answer["response"] is String)

                // since the last statement's time nothing is left; another school's admin sees none; students may not read
                let last = try #require(stored.last?.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
                let after = try await get(client, admin, "/v1/xapi/statements?since=\(last)")
                #expect((after.json["statements"] as? [Any])?.isEmpty == true && after.json["more"] as? String == "")
                let otherAdmin = try await f.platform.registry.createUser(
                    NewUser(username: "schooladmin.b", role: .schoolAdmin, schoolID: f.schoolB.id, password: GatewayFixture.password), actor: nil)
                let other = try await get(client, try await f.token(client, otherAdmin), "/v1/xapi/statements")
                #expect((other.json["statements"] as? [Any])?.isEmpty == true)
                #expect(try await get(client, c.studentToken, "/v1/xapi/statements").isProblem(.forbidden))
                #expect(try await get(client, admin, "/v1/xapi/statements?after=bm9wZQ").isProblem(.validation))
                #expect(try await get(client, admin, "/v1/xapi/statements?since=yesterday").isProblem(.validation))
            }
        }
    }

    @Test func adminsDownloadTheItemBankAsAQTIPackageAndNobodyElseDoes() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().test(.router) { client in
                let zip = try await get(client, try await f.token(client, f.admin), "/v1/assessment/items.qti.zip")
                #expect(zip.status == .ok && zip.headers[.contentType] == "application/zip")
                #expect(Data(buffer: zip.body).prefix(2) == Data("PK".utf8) && zip.body.readableBytes > 10_000)
                #expect(try await get(client, try await f.token(client, f.teacherA), "/v1/assessment/items.qti.zip").isProblem(.forbidden))
                #expect(try await get(client, try await f.token(client, f.studentA), "/v1/assessment/items.qti.zip").isProblem(.forbidden))
            }
        }
    }
}
