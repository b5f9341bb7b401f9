import Synchronization

/// The endpoint as callers use it: retries before the first byte (at most `maxRetries`, full
/// jitter, only for errors a retry can fix), a circuit breaker, and the offline provider as the
/// fallback when the endpoint fails or the breaker is open. The first chunk of every answer says
/// who serves it (`.servedBy`), so that the caller can label it and the ledger record it.
public struct ResilientProvider: InferenceProvider {
    public let primary: any InferenceProvider
    public let fallback: any InferenceProvider
    public let breaker: CircuitBreaker
    public let maxRetries: Int
    public let backoffBase: Duration
    public let backoffCap: Duration

    public var kind: String { primary.kind }
    public var model: String { primary.model }

    public init(primary: any InferenceProvider, fallback: any InferenceProvider = OfflineProvider(), breaker: CircuitBreaker = CircuitBreaker(),
                maxRetries: Int = 2, backoffBase: Duration = .milliseconds(200), backoffCap: Duration = .seconds(2)) {
        self.primary = primary
        self.fallback = fallback
        self.breaker = breaker
        self.maxRetries = maxRetries
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatChunk, any Error> {
        ChunkStream.relaying(self, request)
    }

    /// Forwards the primary's chunks as they are read (the first preceded by `.servedBy`), retrying
    /// or falling back only while nothing has been forwarded.
    public func relay(_ request: ChatRequest, to sink: @escaping ChunkSink) async throws {
        guard breaker.permit() != .rejected else {
            return try await serveFallback(request, sink)
        }
        var attempt = 0
        while true {
            let started = SharedFlag(false)
            do {
                try await primary.relay(request) { chunk in
                    if !started.value.exchange(true, ordering: .relaxed),
                       !sink(.servedBy(provider: primary.kind, model: primary.model)) { return false }
                    return sink(chunk)
                }
                breaker.recordSuccess()
                return
            } catch let e as InferenceError {
                let started = started.value.load(ordering: .relaxed)
                if !started, e.isRetryable, attempt < maxRetries {
                    attempt += 1
                    try await Task.sleep(for: jitter(attempt))
                    continue
                }
                if e.isEndpointFailure { breaker.recordFailure() } else { breaker.recordNeutral() }
                // Before anything was sent, the offline provider answers instead; after, the
                // caller ends the stream cleanly with what it has and an error.
                guard !started, e.isEndpointFailure || e.isUnknownModel else { throw e }
                return try await serveFallback(request, sink)
            } catch {
                breaker.recordNeutral()
                throw error
            }
        }
    }

    private func serveFallback(_ request: ChatRequest, _ sink: @escaping ChunkSink) async throws {
        guard sink(.servedBy(provider: fallback.kind, model: fallback.model)) else { return }
        try await fallback.relay(request, to: sink)
    }

    /// Full jitter: a random wait between zero and the exponential bound.
    func jitter(_ attempt: Int) -> Duration {
        let bound = min(backoffCap, backoffBase * (1 << min(attempt - 1, 10)))
        let ms = Int64(bound / .milliseconds(1))
        return .milliseconds(Int64.random(in: 0...max(0, ms)))
    }
}

extension InferenceError {
    var isUnknownModel: Bool {
        if case .unknownModel = self { return true }
        return false
    }
}

/// A flag that the closures of one stream share.
final class SharedFlag: Sendable {
    let value: Atomic<Bool>
    init(_ initial: Bool) { value = Atomic(initial) }
}
