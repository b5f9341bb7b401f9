import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TestSupport

/// `GET /v1/me` and `GET /v1/regions/{code}` are answered from encoded bytes (`HotReads`) rather
/// than through the generated server: a client must not be able to tell. The same requests go to
/// two servers over one platform — one with the hot reads, one with every route left to the
/// generated server — and must get the same status, headers and bytes.
@Suite struct HotReadsTests {
    static let requestID = HTTPField.Name("X-Request-Id")!

    @Test(arguments: TestDatabase.engines)
    func hotReadsAnswerExactlyAsTheGeneratedServer(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            let hot = Application(router: try buildRouter(platform: f.platform, hotReads: true))
            let generated = Application(router: try buildRouter(platform: f.platform, hotReads: false))
            try await hot.testLive { hotClient in
                try await generated.testLive { genClient in
                    // given: a token for each kind of caller (the servers share the platform, so either accepts it)
                    var tokens: [String] = []
                    for user in [f.admin, f.teacherA, f.studentA, f.studentB, f.schoolAdminA] {
                        tokens.append(try await f.token(hotClient, user))
                    }
                    let regions = ["52", "5203", "520302", "5201", "520102", "5299", "529999", "99", "520300", "abc", "52%303", "5203?x=1"]
                    var requests: [(uri: String, headers: HTTPFields)] = []
                    for token in tokens {
                        for accept in [nil, "application/json", "*/*", "application/*", "text/html", "application/json;q=0.5, text/plain", "json"] {
                            var headers = bearer(token)
                            if let accept { headers[.accept] = accept }
                            requests.append(("/v1/me", headers))
                        }
                    }
                    for code in regions {
                        requests.append(("/v1/regions/\(code)", bearer(tokens[1])))
                        requests.append(("/v1/regions/\(code)", [:]))
                    }
                    requests.append(("/v1/regions/5203", { var h = bearer(tokens[2]); h[.accept] = "text/csv"; return h }()))
                    requests.append(("/v1/me", [:]))
                    requests.append(("/v1/me", bearer("not-a-token")))
                    requests.append(("/v1/me", [.authorization: "Basic abc"]))

                    var statuses: [Int] = []
                    for (i, r) in requests.enumerated() {
                        var headers = r.headers
                        headers[Self.requestID] = "hot-read-\(i)"
                        // when: the same request to both servers
                        let a = try await hotClient.execute(uri: r.uri, method: .get, headers: headers) { $0 }
                        let b = try await genClient.execute(uri: r.uri, method: .get, headers: headers) { $0 }
                        // then: the same answer, byte for byte
                        #expect(a.status == b.status, "\(r.uri) \(r.headers)")
                        #expect(Self.comparable(a.headers) == Self.comparable(b.headers), "\(r.uri) \(r.headers)")
                        #expect(Data(buffer: a.body) == Data(buffer: b.body), "\(r.uri) \(r.headers): \(a.text) vs \(b.text)")
                        statuses.append(Int(a.status.code))
                    }
                    // the cases cover successes, 401, 404 and refusals
                    #expect(Set(statuses).isSuperset(of: [200, 401, 404]))
                    #expect(statuses.filter { $0 == 200 }.count >= 5 * 4 + 10)
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func meAnswersTheCallersOwnRecord(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                // given: two callers, each signed in
                let users = [f.teacherA, f.studentB]
                for user in users + users {
                    let token = try await f.token(client, user)
                    // when / then: each gets their own record, twice (the second from the encoded answer)
                    try await client.execute(uri: "/v1/me", method: .get, headers: bearer(token)) { r in
                        #expect(r.status == .ok)
                        #expect(r.json["id"] as? String == user.id.uuidString.lowercased())
                        #expect(r.json["username"] as? String == user.username)
                        #expect(r.headers[.contentType] == "application/json; charset=utf-8")
                        #expect(r.headers[.cacheControl] == "no-store")
                    }
                }
            }
        }
    }

    /// Headers as a client compares them: the date a server stamps may differ between two answers.
    static func comparable(_ headers: HTTPFields) -> [String] {
        headers.filter { $0.name != .date }.map { "\($0.name.canonicalName): \($0.value)" }.sorted()
    }
}
