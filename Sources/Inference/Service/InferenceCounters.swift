import Synchronization

/// Running totals of the inference path since start, for the Prometheus counters at `/metrics`.
public final class InferenceCounters: Sendable {
    public struct Totals: Sendable, Equatable {
        public var requests: [LedgerEntry.Outcome: Int] = [:]
        public var promptTokens = 0
        public var completionTokens = 0
        public var byProvider: [String: Int] = [:]

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

    public var current: Totals { totals.withLock { $0 } }
}
