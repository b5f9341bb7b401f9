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

    private let ttl: TimeInterval
    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(ttl: TimeInterval, capacity: Int = 100_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    func get(_ tokenHash: String, now: Date) -> Caller? {
        guard ttl > 0 else { return nil }
        return entries.withLock { all in
            guard let e = all[tokenHash] else { return nil }
            if e.until <= now {
                all[tokenHash] = nil
                return nil
            }
            return e.caller
        }
    }

    func put(_ tokenHash: String, _ caller: Caller, tokenExpiresAt: Date, now: Date) {
        guard ttl > 0 else { return }
        let until = min(now.addingTimeInterval(ttl), tokenExpiresAt)
        entries.withLock { all in
            if all.count >= capacity { all.removeAll(keepingCapacity: true) }
            all[tokenHash] = Entry(caller: caller, until: until)
        }
    }

    /// Drops every cached token of a user (logout, password change, reset).
    func forget(userID: UUID) {
        entries.withLock { all in all = all.filter { $0.value.caller.principal.userID != userID } }
    }
}
