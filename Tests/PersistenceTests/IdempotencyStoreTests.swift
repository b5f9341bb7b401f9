import Foundation
import Persistence
import Testing
import TestSupport

@Suite struct IdempotencyStoreTests {
    static let migrations = MigrationList(PersistenceMigrations.all)

    @Test(arguments: TestDatabase.engines)
    func aKeyIsClaimedOnceThenReplayed(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrations: Self.migrations, key: "persistence") { db in
            // given
            let store = IdempotencyStore(database: db)
            let claim = try await store.claim(scope: "user:a", key: "k1", requestHash: "h1")
            guard case .claimed(let id) = claim else { Issue.record("expected a claim, got \(claim)"); return }
            // then: while running, a retry is told so; another body is a mismatch
            #expect(try await store.claim(scope: "user:a", key: "k1", requestHash: "h1") == .inProgress)
            #expect(try await store.claim(scope: "user:a", key: "k1", requestHash: "h2") == .mismatch)
            // when the first completes, a retry gets its answer
            let stored = StoredResponse(status: 201, contentType: "application/json", body: Data("{\"ok\":true}".utf8))
            try await store.complete(id, with: stored)
            #expect(try await store.claim(scope: "user:a", key: "k1", requestHash: "h1") == .replay(stored))
            // and the same key from another caller is independent
            if case .claimed = try await store.claim(scope: "user:b", key: "k1", requestHash: "h9") {} else {
                Issue.record("another scope's key must be independent")
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aReleasedOrStaleClaimCanBeRetried(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrations: Self.migrations, key: "persistence") { db in
            let store = IdempotencyStore(database: db, staleAfter: 60)
            guard case .claimed(let id) = try await store.claim(scope: "s", key: "k", requestHash: "h") else {
                Issue.record("expected a claim"); return
            }
            try await store.release(id)
            guard case .claimed = try await store.claim(scope: "s", key: "k", requestHash: "h") else {
                Issue.record("a released key must be claimable again"); return
            }
            let later = Date().addingTimeInterval(120)
            guard case .claimed = try await store.claim(scope: "s", key: "k", requestHash: "h", now: later) else {
                Issue.record("a claim whose instance died must be taken over after the stale window"); return
            }
        }
    }
}
