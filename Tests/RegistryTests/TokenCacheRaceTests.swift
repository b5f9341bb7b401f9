import Foundation
import Persistence
import QianxueCore
@testable import Registry
import Testing
import TestSupport

/// A token read from the database just before its revocation committed must not be cached after
/// it: the cache would keep the revoked token alive for its whole window.
@Suite struct TokenCacheRaceTests {
    @Test func aLookupThatStartedBeforeARevocationIsNotCached() async throws {
        try await RegistryFixture.with(.sqlite) { f in
            // given a caller as a lookup read them, and the cache's generation when it began
            let session = try await f.accounts.login(username: "s.zunyi", password: RegistryFixture.password, requestID: nil)
            let caller = try await f.accounts.authenticate(token: session.token)
            let cache = TokenCache(ttl: 5)
            let now = f.clock.now
            let began = cache.generation
            // when the user's tokens are revoked before the lookup puts its answer
            cache.forget(userID: caller.principal.userID)
            cache.put("hash-1", caller, tokenExpiresAt: session.expiresAt, now: now, readAt: began)
            // then nothing was cached; a lookup that began after the revocation is
            #expect(cache.get("hash-1", now: now) == nil)
            cache.put("hash-1", caller, tokenExpiresAt: session.expiresAt, now: now, readAt: cache.generation)
            #expect(cache.get("hash-1", now: now)?.principal.userID == caller.principal.userID)
        }
    }

    @Test func aCachedTokenNeverOutlivesItsExpiry() async throws {
        try await RegistryFixture.with(.sqlite) { f in
            let session = try await f.accounts.login(username: "s.zunyi", password: RegistryFixture.password, requestID: nil)
            let caller = try await f.accounts.authenticate(token: session.token)
            let cache = TokenCache(ttl: 5)
            let now = f.clock.now
            cache.put("hash-2", caller, tokenExpiresAt: now.addingTimeInterval(1), now: now, readAt: cache.generation)
            #expect(cache.get("hash-2", now: now.addingTimeInterval(0.5)) != nil)
            #expect(cache.get("hash-2", now: now.addingTimeInterval(1)) == nil)
        }
    }
}
