import Synchronization

/// The circuit breaker of one endpoint: after `threshold` consecutive failures it opens and
/// requests go elsewhere (the offline provider); after `coolDown` one probe request is let
/// through (half-open), and its outcome closes or reopens the breaker.
public final class CircuitBreaker: Sendable {
    public enum State: String, Sendable { case closed, open, halfOpen = "half-open" }

    public enum Permit: Sendable, Equatable { case allowed, probe, rejected }

    private struct Inner {
        var state: State = .closed
        var failures = 0
        var openedAt: ContinuousClock.Instant?
        var probeInFlight = false
    }

    public let threshold: Int
    public let coolDown: Duration
    private let inner = Mutex(Inner())

    public init(threshold: Int = 5, coolDown: Duration = .seconds(30)) {
        self.threshold = threshold
        self.coolDown = coolDown
    }

    public var state: State {
        inner.withLock { s in
            if s.state == .open, let at = s.openedAt, ContinuousClock.now - at >= coolDown { return .halfOpen }
            return s.state
        }
    }

    /// May a request go to the endpoint now?
    public func permit() -> Permit {
        inner.withLock { s in
            switch s.state {
            case .closed: return .allowed
            case .open:
                guard let at = s.openedAt, ContinuousClock.now - at >= coolDown else { return .rejected }
                s.state = .halfOpen
                s.probeInFlight = true
                return .probe
            case .halfOpen:
                if s.probeInFlight { return .rejected }
                s.probeInFlight = true
                return .probe
            }
        }
    }

    public func recordSuccess() {
        inner.withLock { s in
            s = Inner()
        }
    }

    public func recordFailure() {
        inner.withLock { s in
            s.probeInFlight = false
            if s.state == .halfOpen {
                s.state = .open
                s.openedAt = .now
                return
            }
            s.failures += 1
            if s.failures >= threshold {
                s.state = .open
                s.openedAt = .now
            }
        }
    }

    /// A request that got a permit ended without telling anything about the endpoint (cancelled).
    public func recordNeutral() {
        inner.withLock { s in s.probeInFlight = false }
    }
}
