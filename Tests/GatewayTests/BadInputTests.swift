import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Testing
import TestSupport

@Suite struct BadInputTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    @Test(arguments: TestDatabase.engines)
    func malformedBodiesGet400NamingTheProblem(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let cases: [(String, String)] = [
                    ("{not json", "not valid JSON"),
                    (#"{"username": 7, "password": "x"}"#, "'username' has the wrong type"),
                    (#"{"username": "admin"}"#, "'password' is missing"),
                    (#"{"username": null, "password": "x"}"#, "'username'"),
                    ("[]", "body"),
                ]
                for (body, expected) in cases {
                    try await client.execute(uri: "/v1/auth/login", method: .post, headers: Self.json, body: ByteBuffer(string: body)) { r in
                        #expect(r.status == .badRequest, "\(body)")
                        #expect(r.isProblem(.validation), "\(body)")
                        #expect((r.json["detail"] as? String ?? "").contains(expected), "\(body) → \(r.json["detail"] ?? "")")
                    }
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func badParametersTokensAndRoutesGet4xxProblems(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let t = try await f.token(client, f.admin)
                let cases: [(String, HTTPFields, HTTPResponse.Status, ProblemType)] = [
                    ("/v1/users?role=king", bearer(t), .badRequest, .validation),
                    ("/v1/users?pageSize=9999", bearer(t), .badRequest, .validation),
                    ("/v1/users?pageToken=forged", bearer(t), .badRequest, .validation),
                    ("/v1/users/not-a-uuid", bearer(t), .badRequest, .validation),
                    ("/v1/regions/12x", bearer(t), .badRequest, .validation),
                    ("/v1/me", bearer("not-a-real-token"), .unauthorized, .unauthenticated),
                    ("/v1/me", [.authorization: "Basic YWRtaW46eA=="], .unauthorized, .unauthenticated),
                    ("/v1/no-such-route", bearer(t), .notFound, .notFound),
                ]
                for (uri, headers, status, type) in cases {
                    try await client.execute(uri: uri, method: .get, headers: headers) { r in
                        #expect(r.status == status, "\(uri)")
                        #expect(r.isProblem(type), "\(uri): \(r.text)")
                    }
                }
                let unauthorized = try await client.execute(uri: "/v1/me", method: .get)
                #expect(unauthorized.headers[.wwwAuthenticate] == "Bearer")
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func oversizeBodiesGet413AndNothingIsStored(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let t = try await f.token(client, f.teacherA)
                var headers = bearer(t)
                headers[.contentType] = "application/json"
                let huge = #"{"currentPassword":"\#(String(repeating: "x", count: 2 << 20))","newPassword":"Nope-never-stored-1"}"#
                try await client.execute(uri: "/v1/me/password", method: .post, headers: headers, body: ByteBuffer(string: huge)) { r in
                    #expect(r.status == .contentTooLarge)
                    #expect(r.isProblem(.payloadTooLarge))
                }
                // The old password still works: nothing was changed.
                _ = try await f.token(client, f.teacherA)
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aBurstBeyondTheRateLimitGets429WithRetryAfter(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine, configure: { $0.userRequestsPerMinute = 1 }) { f in  // a burst of 20, then one a minute: timing-proof on a loaded machine
            try await f.app().test(.router) { client in
                let t = try await f.token(client, f.studentA)
                var statuses: [HTTPResponse.Status] = []
                var retryAfter: String?
                for _ in 0..<30 {
                    try await client.execute(uri: "/v1/me", method: .get, headers: bearer(t)) { r in
                        statuses.append(r.status)
                        if r.status == .tooManyRequests {
                            retryAfter = r.headers[.retryAfter]
                            #expect(r.isProblem(.rateLimited))
                        }
                    }
                }
                #expect(statuses.prefix(20).allSatisfy { $0 == .ok })
                #expect(statuses.contains(.tooManyRequests))
                #expect(Int(retryAfter ?? "") ?? 0 >= 1)
            }
        }
    }
}
