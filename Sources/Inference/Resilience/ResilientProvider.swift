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
        ChunkStream.producing { out in try await run(request, out) }
    }

    private func run(_ request: ChatRequest, _ out: AsyncThrowingStream<ChatChunk, any Error>.Continuation) async throws {
        guard breaker.permit() != .rejected else {
            return try await serveFallback(request, out)
        }
        var attempt = 0
        while true {
            var started = false
            do {
                for try await chunk in primary.stream(request) {
                    if !started {
                        started = true
                        out.yield(.servedBy(provider: primary.kind, model: primary.model))
                    }
                    out.yield(chunk)
                }
                breaker.recordSuccess()
                return
            } catch let e as InferenceError {
                if !started, e.isRetryable, attempt < maxRetries {
                    attempt += 1
                    try await Task.sleep(for: jitter(attempt))
                    continue
                }
                if e.isEndpointFailure { breaker.recordFailure() } else { breaker.recordNeutral() }
                // Before anything was sent, the offline provider answers instead; after, the
                // caller ends the stream cleanly with what it has and an error.
                guard !started, e.isEndpointFailure || e.isUnknownModel else { throw e }
                return try await serveFallback(request, out)
            } catch {
                breaker.recordNeutral()
                throw error
            }
        }
    }

    private func serveFallback(_ request: ChatRequest, _ out: AsyncThrowingStream<ChatChunk, any Error>.Continuation) async throws {
        out.yield(.servedBy(provider: fallback.kind, model: fallback.model))
        for try await chunk in fallback.stream(request) { out.yield(chunk) }
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
