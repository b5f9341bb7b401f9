import Synchronization

/// The first-token, idle and total deadlines of one streamed answer: the reader marks activity,
/// `WatchdogRounds` checks the deadlines and, when one has passed, notes it and stops the read.
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

    /// The deadline that passed, once one did: what the stopped read ends with.
    var expiry: InferenceError? { state.withLock { $0.expiry } }

    /// Whether a deadline has passed at `now`; if so it is noted (`expiry`) and true returned.
    func expire(at now: ContinuousClock.Instant) -> Bool {
        state.withLock { s in
            let total = start + settings.total
            let step = s.sawText ? s.last + settings.idle : start + settings.firstToken
            let deadline = min(step, total)
            guard now >= deadline else { return false }
            s.expiry = .timeout(deadline == total ? .total : s.sawText ? .idle : .firstToken)
            return true
        }
    }
}

/// Checks the deadlines of every streamed answer of a provider on one ticking task — no task, timer
/// or task group per answer (a timer per answer woke libdispatch's timer thread on every request).
/// A deadline is acted on within one tick of passing; the tick is a twentieth of the shorter of the
/// first-token and idle timeouts, between 10 and 250 ms. The task runs only while answers stream.
final class WatchdogRounds: Sendable {
    private struct Watched {
        let watchdog: StreamWatchdog
        let expired: @Sendable () -> Void
    }

    private struct State {
        var watched: [ObjectIdentifier: Watched] = [:]
        var ticking = false
    }

    private let state = Mutex(State())
    let tick: Duration

    init(settings: OpenAISettings) {
        tick = min(.milliseconds(250), max(.milliseconds(10), min(settings.firstToken, settings.idle) / 20))
    }

    /// Watches `watchdog` until `unwatch`; when a deadline passes, `expired` is called once (it
    /// stops the read) and the watchdog forgotten.
    func watch(_ watchdog: StreamWatchdog, expired: @escaping @Sendable () -> Void) {
        let start = state.withLock { s -> Bool in
            s.watched[ObjectIdentifier(watchdog)] = Watched(watchdog: watchdog, expired: expired)
            defer { s.ticking = true }
            return !s.ticking
        }
        if start { Task.detached { await self.rounds() } }
    }

    func unwatch(_ watchdog: StreamWatchdog) {
        _ = state.withLock { $0.watched.removeValue(forKey: ObjectIdentifier(watchdog)) }
    }

    /// For the tests: answers watched, and whether the task runs.
    var watchedCount: Int { state.withLock { $0.watched.count } }
    var isTicking: Bool { state.withLock { $0.ticking } }

    private func rounds() async {
        while true {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let (due, stop) = state.withLock { s -> ([Watched], Bool) in
                let due = s.watched.values.filter { $0.watchdog.expire(at: now) }
                for d in due { s.watched.removeValue(forKey: ObjectIdentifier(d.watchdog)) }
                if s.watched.isEmpty { s.ticking = false }
                return (due, s.watched.isEmpty)
            }
            for d in due { d.expired() }
            if stop { return }
        }
    }
}
