import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Persistence
import QianxueCore
import Registry
import Testing
import TestSupport

/// Tokens over HTTP: a password change revokes every earlier token (through the token cache too)
/// and signs the caller in afresh; an operator's reset signs the user out everywhere; an expired
/// token is refused.
@Suite struct TokenRevocationTests {
    static let newPassword = "Rotated-pass-word-7"

    @Test(arguments: TestDatabase.engines)
    func aPasswordChangeRevokesBothEarlierTokensAndAnswersANewOne(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                // given two sessions of one teacher, both used (so both sit in the token cache)
                let phone = try await f.token(client, f.teacherA)
                let laptop = try await f.token(client, f.teacherA)
                #expect(try await Self.me(client, phone) == .ok)
                #expect(try await Self.me(client, laptop) == .ok)

                // when the laptop changes the password (a client's Idempotency-Key is not honoured here)
                var headers = bearer(laptop)
                headers[.contentType] = "application/json"
                headers[HTTPField.Name("Idempotency-Key")!] = "change-1"
                let body = ByteBuffer(string: #"{"currentPassword":"\#(GatewayFixture.password)","newPassword":"\#(Self.newPassword)"}"#)
                let fresh: String = try await client.execute(uri: "/v1/me/password", method: .post, headers: headers, body: body) { r in
                    #expect(r.status == .ok)
                    #expect(r.headers[HTTPField.Name("Idempotent-Replayed")!] == nil)
                    #expect((r.json["user"] as? [String: Any])?["username"] as? String == "teacher.a")
                    return r.json["token"] as? String ?? ""
                }

                // then both earlier tokens answer 401, the new one works
                #expect(try await Self.me(client, phone) == .unauthorized)
                #expect(try await Self.me(client, laptop) == .unauthorized)
                #expect(!fresh.isEmpty && fresh != phone && fresh != laptop)
                #expect(try await Self.me(client, fresh) == .ok)
                // a retry under the same key with the old token is refused, nothing is replayed
                try await client.execute(uri: "/v1/me/password", method: .post, headers: headers, body: body) { r in
                    #expect(r.isProblem(.unauthenticated))
                }
                // the old password no longer signs in, the new one does
                #expect(try await Self.login(client, "teacher.a", GatewayFixture.password) == .unauthorized)
                #expect(try await Self.login(client, "teacher.a", Self.newPassword) == .ok)
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func anOperatorResetRevokesEveryTokenAtOnceHereAndWithinTheCacheWindowElsewhere(engine: DatabaseEngine) async throws {
        let clock = MovableClock(Date())
        try await GatewayFixture.with(engine, now: { clock.now }) { f in
            try await f.app().test(.router) { client in
                // given a teacher's and a student's two sessions, all used (so all sit in the token cache)
                let teacher = [try await f.token(client, f.teacherA), try await f.token(client, f.teacherA)]
                let student = [try await f.token(client, f.studentA), try await f.token(client, f.studentA)]
                for t in teacher + student { #expect(try await Self.me(client, t) == .ok) }

                // when this gateway's own accounts reset the teacher's password
                try await f.platform.accounts.setPassword(username: "teacher.a", password: Self.newPassword)
                // then both their tokens answer 401 on the next request
                for t in teacher { #expect(try await Self.me(client, t) == .unauthorized) }

                // when `qianxue users set-password` (another process over the same database) resets the student's
                let cli = try await AccountService(database: f.platform.database, hasher: TestHasher(),
                                                   audit: AuditLog(database: f.platform.database), now: { clock.now })
                try await cli.setPassword(username: "student.a", password: Self.newPassword)
                // then this gateway refuses both tokens once its cache window (5 s) has passed
                clock.advance(5.1)
                for t in student { #expect(try await Self.me(client, t) == .unauthorized) }
                #expect(try await Self.login(client, "student.a", Self.newPassword) == .ok)
                #expect(try await Self.login(client, "student.a", GatewayFixture.password) == .unauthorized)
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func anExpiredTokenIsRefusedEvenFromTheCache(engine: DatabaseEngine) async throws {
        let clock = MovableClock(Date())
        try await GatewayFixture.with(engine, configure: { $0.tokenLifetime = 60 }, now: { clock.now }) { f in
            try await f.app().test(.router) { client in
                // given a token that lives a minute, used just before its end (so it sits in the cache)
                let t = try await f.token(client, f.studentA)
                clock.advance(59)
                #expect(try await Self.me(client, t) == .ok)
                // when its lifetime has passed, well inside the cache's 5 s
                clock.advance(1.5)
                // then it answers 401 and says why
                try await client.execute(uri: "/v1/me", method: .get, headers: bearer(t)) { r in
                    #expect(r.isProblem(.unauthenticated))
                    #expect((r.json["detail"] as? String ?? "").contains("expired"))
                }
            }
        }
    }

    static func me(_ client: some TestClientProtocol, _ token: String) async throws -> HTTPResponse.Status {
        try await client.execute(uri: "/v1/me", method: .get, headers: bearer(token)) { $0.status }
    }

    static func login(_ client: some TestClientProtocol, _ username: String, _ password: String) async throws -> HTTPResponse.Status {
        let body = try JSONEncoder().encode(["username": username, "password": password])
        return try await client.execute(uri: "/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                        body: ByteBuffer(bytes: body)) { $0.status }
    }
}
