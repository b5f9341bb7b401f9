import Foundation
import Synchronization

/// Recently authenticated tokens, so that a busy client's every request does not hit the database.
/// Entries live `ttl` seconds at most (and never past the token's own expiry). Revocations on this
/// instance drop them at once; revocations on another gateway instance take effect here within `ttl`.
final class TokenCache: Sendable {
    private struct Entry {
        let caller: Caller
        let until: Date
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Counts revocations: a lookup read from the database before one must not be cached after it.
        var generation: UInt64 = 0
    }

    private let ttl: TimeInterval
    private let capacity: Int
    private let state = Mutex(State())

    init(ttl: TimeInterval, capacity: Int = 100_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    func get(_ tokenHash: String, now: Date) -> Caller? {
        guard ttl > 0 else { return nil }
        return state.withLock { s in
            guard let e = s.entries[tokenHash] else { return nil }
            if e.until <= now {
                s.entries[tokenHash] = nil
                return nil
            }
            return e.caller
        }
    }

    /// The generation to hand back to `put` with what is read from the database after this call.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Keeps a caller read at `generation`, unless a revocation came in between: the row was read
    /// before it committed, and caching it would keep a revoked token alive for `ttl`.
    func put(_ tokenHash: String, _ caller: Caller, tokenExpiresAt: Date, now: Date, readAt generation: UInt64) {
        guard ttl > 0 else { return }
        let until = min(now.addingTimeInterval(ttl), tokenExpiresAt)
        state.withLock { s in
            guard s.generation == generation else { return }
            if s.entries.count >= capacity { s.entries.removeAll(keepingCapacity: true) }
            s.entries[tokenHash] = Entry(caller: caller, until: until)
        }
    }

    /// Drops every cached token of a user (logout, password change, reset).
    func forget(userID: UUID) {
        state.withLock { s in
            s.generation &+= 1
            s.entries = s.entries.filter { $0.value.caller.principal.userID != userID }
        }
    }
}
