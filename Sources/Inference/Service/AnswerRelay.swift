import Synchronization

/// One answer on its way from the provider to the caller: the provider hands it each chunk in the
/// thread that reads the endpoint (the HTTP client's event loop), and it screens the text, restores
/// names and hands the events to the caller's sink at once — no task between the endpoint and the
/// caller.
final class AnswerRelay: Sendable {
    struct State: Sendable {
        var screen: OutputScreen
        var sent = ""
        var usage: TokenUsage?
        var finish = "stop"
        var provider: String
        var model: String
        var firstToken: Duration?
        var outputFlags: [SafetyFlag] = []
    }

    private let state: Mutex<State>
    private let redaction: Redaction
    private let out: any ChatEventSink
    let started = ContinuousClock.now

    init(screen: OutputScreen, redaction: Redaction, provider: String, model: String, out: any ChatEventSink) {
        state = Mutex(State(screen: screen, provider: provider, model: model))
        self.redaction = redaction
        self.out = out
    }

    /// What the relay knows now.
    var snapshot: State { state.withLock { $0 } }

    func flag(_ flags: [SafetyFlag]) {
        for f in flags { out.send(.flag(f)) }
    }

    /// Takes one chunk; false once the output screen stopped the reply (read no further).
    func take(_ chunk: ChatChunk) -> Bool {
        state.withLock { s in
            switch chunk {
            case .delta(let d): return release(s.screen.feed(d), &s)
            case .usage(let u): s.usage = u
            case .finish(let f): s.finish = f
            case .servedBy(let p, let m): s.provider = p; s.model = m
            }
            return true
        }
    }

    /// The stream ended (or broke off): what the screen held back goes out, unless it stopped the reply.
    func finishScreen() {
        state.withLock { s in
            if s.screen.stopped == nil { _ = release(s.screen.finish(), &s) }
        }
    }

    private func release(_ step: OutputScreen.Step, _ s: inout State) -> Bool {
        for f in step.reported { out.send(.flag(f)) }
        s.outputFlags += step.reported
        if !step.text.isEmpty {
            let text = redaction.restore(step.text)
            if s.firstToken == nil { s.firstToken = .now - started }
            s.sent += text
            out.send(.delta(text))
        }
        if let stop = step.stop {
            s.outputFlags.append(stop)
            out.send(.flag(stop))
            s.finish = "content_filter"
            return false
        }
        return true
    }
}
