import Synchronization

/// The last first-token latencies (up to `capacity`), for the status endpoint's p50 and p95.
public final class FirstTokenWindow: Sendable {
    private struct Ring {
        var values: [Double] = []
        var next = 0
    }

    public let capacity: Int
    private let ring = Mutex(Ring())

    public init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    public func add(milliseconds: Double) {
        ring.withLock { r in
            if r.values.count < capacity {
                r.values.append(milliseconds)
            } else {
                r.values[r.next] = milliseconds
            }
            r.next = (r.next + 1) % capacity
        }
    }

    /// The quantile (0…1) of the window, nil when empty.
    public func quantile(_ q: Double) -> Double? {
        let sorted = ring.withLock { $0.values }.sorted()
        guard !sorted.isEmpty else { return nil }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
    }

    public var count: Int { ring.withLock { $0.values.count } }
}
