import Foundation
import Synchronization

/// Token buckets by key (a user, an address): a sustained rate per minute with a burst of a tenth
/// of it (at least 20). Kept per gateway instance.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let perMinute: Int
    private let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    /// `perMinute` 0 disables the limit.
    init(perMinute: Int) {
        self.perMinute = perMinute
        self.burst = max(20, Double(perMinute) / 10)
    }

    /// False when the limit is disabled: callers skip building the key.
    var isOn: Bool { perMinute > 0 }

    /// Takes one token; returns nil when allowed, else the seconds to wait.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        guard perMinute > 0 else { return nil }
        let rate = Double(perMinute) / 60
        return buckets.withLock { all in
            if all.count > 100_000 { all.removeAll(keepingCapacity: true) }
            var b = all[key] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - b.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            b.tokens = min(burst, b.tokens + seconds * rate)
            b.updated = now
            if b.tokens >= 1 {
                b.tokens -= 1
                all[key] = b
                return nil
            }
            all[key] = b
            return max(1, Int(((1 - b.tokens) / rate).rounded(.up)))
        }
    }
}
