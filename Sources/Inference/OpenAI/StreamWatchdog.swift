import Synchronization

/// Enforces the first-token, idle and total deadlines of one streamed answer: the reader marks
/// activity, the watchdog sleeps until the nearest deadline and throws the timeout when it passed.
final class StreamWatchdog: Sendable {
    private struct State {
        var last: ContinuousClock.Instant
        var sawText = false
        var expiry: InferenceError?
    }

    private let state: Mutex<State>
    let start: ContinuousClock.Instant
    let settings: OpenAISettings

    init(settings: OpenAISettings) {
        let now = ContinuousClock.now
        start = now
        self.settings = settings
        state = Mutex(State(last: now))
    }

    /// Bytes arrived.
    func touch() { state.withLock { $0.last = .now } }

    /// Text of the answer arrived.
    func text() { state.withLock { $0.last = .now; $0.sawText = true } }

    var sawText: Bool { state.withLock { $0.sawText } }

    /// The deadline that passed, once `watch` threw it.
    var expiry: InferenceError? { state.withLock { $0.expiry } }

    /// Runs until cancelled or a deadline passes; then notes which and calls `expired` (which stops
    /// the read it watches).
    func watch(then expired: () -> Void) async {
        do {
            try await watch()
        } catch let e as InferenceError {
            state.withLock { $0.expiry = e }
            expired()
        } catch {}                                      // cancelled: the read ended first
    }

    /// Runs until cancelled or a deadline passes.
    private func watch() async throws {
        while true {
            let (last, sawText) = state.withLock { ($0.last, $0.sawText) }
            let now = ContinuousClock.now
            let total = start + settings.total
            let step = sawText ? last + settings.idle : start + settings.firstToken
            let deadline = min(step, total)
            if now >= deadline {
                throw InferenceError.timeout(deadline == total ? .total : sawText ? .idle : .firstToken)
            }
            // Before the first text, wake within one idle period too: text may arrive meanwhile and
            // then the (shorter) idle deadline applies.
            try await Task.sleep(until: sawText ? deadline : min(deadline, now + settings.idle), clock: .continuous)
        }
    }
}
