import Foundation
import Persistence
import QianxueCore
import Registry
import Testing
import TestSupport

@Suite struct AccountServiceTests {
    @Test(arguments: TestDatabase.engines)
    func signInGivesATokenThatAuthenticates(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            let session = try await f.accounts.login(username: "T.Zunyi", password: RegistryFixture.password, requestID: "r1")
            let p = try await f.accounts.authenticate(token: session.token).principal
            #expect(p.userID == f.zunyiTeacher.id)
            #expect(p.role == .teacher)
            #expect(p.schoolID == f.zunyiSchool.id)
            #expect(session.expiresAt.timeIntervalSince(f.clock.now) == 12 * 3600)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aWrongPasswordAndAnUnknownUserAnswerTheSame(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            for name in ["t.zunyi", "nobody.here"] {
                do {
                    _ = try await f.accounts.login(username: name, password: "not-the-password", requestID: nil)
                    Issue.record("sign-in must fail")
                } catch let e as AppError {
                    #expect(e.type == .unauthenticated)
                    #expect(e.detail == "the username or password is wrong")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func repeatedFailuresAreThrottledThenTheWindowPasses(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            for _ in 0..<5 {
                await #expect(throws: AppError.self) {
                    try await f.accounts.login(username: "t.zunyi", password: "wrong-password", requestID: nil)
                }
            }
            // Even the right password is refused while locked, with a Retry-After.
            do {
                _ = try await f.accounts.login(username: "t.zunyi", password: RegistryFixture.password, requestID: nil)
                Issue.record("a locked username must be throttled")
            } catch let e as AppError {
                #expect(e.type == .rateLimited)
                #expect((e.retryAfter ?? 0) > 0)
            }
            f.clock.advance(15 * 60 + 1)
            let session = try await f.accounts.login(username: "t.zunyi", password: RegistryFixture.password, requestID: nil)
            #expect(!session.token.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func expiredAndRevokedTokensAreRefused(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            let s1 = try await f.accounts.login(username: "s.zunyi", password: RegistryFixture.password, requestID: nil)
            let p1 = try await f.accounts.authenticate(token: s1.token).principal
            try await f.accounts.logout(p1)
            await #expect(throws: AppError.self) { try await f.accounts.authenticate(token: s1.token).principal }

            let s2 = try await f.accounts.login(username: "s.zunyi", password: RegistryFixture.password, requestID: nil)
            f.clock.advance(12 * 3600 + 1)
            do {
                _ = try await f.accounts.authenticate(token: s2.token).principal
                Issue.record("an expired token must be refused")
            } catch let e as AppError {
                #expect(e.detail.contains("expired"))
            }
            await #expect(throws: AppError.self) { try await f.accounts.authenticate(token: "made-up").principal }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func changingThePasswordRevokesEveryTokenAndIssuesANewOne(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            // given two sessions, both in the token cache
            let phone = try await f.accounts.login(username: "t.zunyi", password: RegistryFixture.password, requestID: nil)
            let laptop = try await f.accounts.login(username: "t.zunyi", password: RegistryFixture.password, requestID: nil)
            let me = try await f.accounts.authenticate(token: laptop.token).principal
            _ = try await f.accounts.authenticate(token: phone.token)
            // when the laptop changes the password
            let fresh = try await f.accounts.changePassword(me, current: RegistryFixture.password, new: "Another-long-pass-9", requestID: nil)
            // then both old tokens are refused, the new one works
            await #expect(throws: AppError.self) { try await f.accounts.authenticate(token: laptop.token).principal }
            await #expect(throws: AppError.self) { try await f.accounts.authenticate(token: phone.token).principal }
            #expect(try await f.accounts.authenticate(token: fresh.token).principal.userID == me.userID)
            #expect(fresh.token != laptop.token && fresh.token != phone.token)
            _ = try await f.accounts.login(username: "t.zunyi", password: "Another-long-pass-9", requestID: nil)
            // A short new password is refused and the new token keeps working.
            let now = try await f.accounts.authenticate(token: fresh.token).principal
            await #expect(throws: AppError.self) {
                try await f.accounts.changePassword(now, current: "Another-long-pass-9", new: "short", requestID: nil)
            }
            #expect(try await f.accounts.authenticate(token: fresh.token).principal.userID == me.userID)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func signInsAreAudited(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            _ = try await f.accounts.login(username: "root", password: RegistryFixture.password, requestID: "req-42")
            _ = try? await f.accounts.login(username: "root", password: "wrong-one-here", requestID: "req-43")
            // someone types their password into the username field
            _ = try? await f.accounts.login(username: "My-Secret-Passw0rd", password: "root", requestID: "req-44")
            let events = try await AuditLogReader(f.db).actions()
            #expect(events.contains("auth.login"))
            #expect(events.filter { $0 == "auth.login_failed" }.count == 2)
            #expect(events.filter { $0 == "user.create" }.count == 7)
            // what was typed as a username is kept only as a digest; the known user is the actor
            let failed = try await AuditLogReader(f.db).log.records().map(\.event).filter { $0.action == "auth.login_failed" }
            #expect(failed.map(\.targetID) == ["sha256:" + Digest.sha256Hex("root").prefix(16),
                                                "sha256:" + Digest.sha256Hex("my-secret-passw0rd").prefix(16)])
            #expect(failed.map(\.actorID) == [f.admin.id, nil])
            #expect(!failed.contains { ($0.targetID ?? "").contains("root") || ($0.targetID ?? "").lowercased().contains("secret") })
        }
    }
}

@Suite struct TokenCacheTests {
    @Test(arguments: TestDatabase.engines)
    func aRevocationOnAnotherInstanceHoldsHereWithinTheCacheWindow(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            // given two gateway instances over one database
            let other = try await AccountService(database: f.db, hasher: TestHasher(), audit: AuditLog(database: f.db), now: { f.clock.now })
            let session = try await f.accounts.login(username: "s.zunyi", password: RegistryFixture.password, requestID: nil)
            let here = try await f.accounts.authenticate(token: session.token).principal
            // when the other instance signs the token out
            try await other.logout(here)
            // then it is refused there at once, and here once the cache window (5 s) has passed
            await #expect(throws: AppError.self) { try await other.authenticate(token: session.token) }
            f.clock.advance(6)
            await #expect(throws: AppError.self) { try await f.accounts.authenticate(token: session.token) }
        }
    }
}
