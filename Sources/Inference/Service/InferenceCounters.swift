import Synchronization

/// Running totals of the inference path since start, for the Prometheus counters at `/metrics`.
public final class InferenceCounters: Sendable {
    public struct Totals: Sendable, Equatable {
        public var requests: [LedgerEntry.Outcome: Int] = [:]
        public var promptTokens = 0
        public var completionTokens = 0
        public var byProvider: [String: Int] = [:]
        /// Requests whose external moderation check failed (the shipped screen's verdict stood).
        public var moderationFailures = 0

        public init() {}
    }

    private let totals = Mutex(Totals())

    public init() {}

    func add(outcome: LedgerEntry.Outcome, provider: String, usage: TokenUsage?) {
        totals.withLock { t in
            t.requests[outcome, default: 0] += 1
            t.byProvider[provider, default: 0] += 1
            t.promptTokens += usage?.promptTokens ?? 0
            t.completionTokens += usage?.completionTokens ?? 0
        }
    }

    func moderationFailed() {
        totals.withLock { $0.moderationFailures += 1 }
    }

    public var current: Totals { totals.withLock { $0 } }
}
