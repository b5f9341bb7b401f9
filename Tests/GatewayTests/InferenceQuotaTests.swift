import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TestSupport

@Suite struct InferenceQuotaTests {
    @Test(arguments: TestDatabase.engines)
    func aSpentSchoolOrCountyBudgetAnswers429UntilMidnight(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let admin = try await f.token(client, f.admin)
                let teacher = try await f.token(client, f.teacherA)
                func put(_ uri: String, _ tokens: Int, _ token: String) async throws -> HTTPResponse.Status {
                    var h = bearer(token)
                    h[.contentType] = "application/json"
                    return try await client.execute(uri: uri, method: .put, headers: h,
                                                    body: ByteBuffer(bytes: try JSONEncoder().encode(["dailyTokens": tokens]))) { $0.status }
                }
                func ask() async throws -> (HTTPResponse.Status, [String: Any], String?) {
                    var h = bearer(teacher)
                    h[.contentType] = "application/json"
                    let body = try JSONSerialization.data(withJSONObject: ["messages": [["role": "user", "content": "侗族大歌是什么？"]]])
                    return try await client.execute(uri: "/v1/inference/chat", method: .post, headers: h, body: ByteBuffer(bytes: body)) {
                        ($0.status, $0.json, $0.headers[.retryAfter])
                    }
                }
                // given a school budget of 1 token: the first answer is served, then the budget is spent
                #expect(try await put("/v1/inference/quotas/schools/\(f.schoolA.id)", 1, admin) == .ok)
                #expect(try await ask().0 == .ok)
                let (status, problem, retryAfter) = try await ask()
                #expect(status == .tooManyRequests)
                #expect((problem["type"] as? String)?.hasSuffix("/quota-exceeded") == true)
                #expect((Int(retryAfter ?? "") ?? 0) >= 1 && (Int(retryAfter ?? "") ?? 0) <= 86_400)
                // removing it serves again; a county budget (school A is in 520302) stops it again
                try await client.execute(uri: "/v1/inference/quotas/schools/\(f.schoolA.id)", method: .delete, headers: bearer(admin)) { r in
                    #expect(r.status == .noContent)
                }
                #expect(try await ask().0 == .ok)
                #expect(try await put("/v1/inference/quotas/counties/520302", 1, admin) == .ok)
                #expect(try await ask().0 == .tooManyRequests)
                try await client.execute(uri: "/v1/inference/quotas", method: .get, headers: bearer(admin)) { r in
                    let items = r.json["items"] as? [[String: Any]] ?? []
                    #expect(items.count == 1)
                    #expect(items.first?["id"] as? String == "520302")
                    #expect((items.first?["usedToday"] as? Int ?? 0) > 1)
                }
                // bad input and other roles
                #expect(try await put("/v1/inference/quotas/counties/5203", 10, admin) == .badRequest)
                #expect(try await put("/v1/inference/quotas/counties/520302", -1, admin) == .badRequest)
                #expect(try await put("/v1/inference/quotas/schools/\(UUID())", 10, admin) == .notFound)
                #expect(try await put("/v1/inference/quotas/counties/520302", 10, teacher) == .forbidden)
            }
        }
    }
}
