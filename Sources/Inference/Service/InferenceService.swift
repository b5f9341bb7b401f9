import Foundation
import Logging
import QianxueCore

/// The inference path every caller goes through (DESIGN.md §7): input safety (PII redaction,
/// harm and injection screening), the scheduler, the provider (endpoint with retries, breaker and
/// offline fallback), output safety on the stream (hold-back, leak check), names restored in the
/// reply, and the outcome for the ledger. Refusals that need an HTTP status (too long, empty,
/// overloaded, a stream already running) are thrown before anything streams.
public struct InferenceService: Sendable {
    public let provider: any InferenceProvider
    public let scheduler: InferenceScheduler
    public let screen: SafetyScreen
    public let redactor: PIIRedactor
    /// Characters of conversation accepted at most (413 beyond, before any token is spent).
    public let maxPromptCharacters: Int
    public let maxCompletionTokens: Int
    /// Extra characters the output screen holds back beyond those that could still become a match.
    public let holdBack: Int
    /// Where every request is recorded (none in tests of the path alone).
    public let ledger: (any InferenceLedger)?
    /// Daily token budgets per school and county (none: unlimited).
    public let quotas: InferenceQuotas?
    /// An external moderation endpoint asked about input the shipped screen passed (none: not configured).
    public let moderation: ExternalModeration?
    /// First-token latencies of recent answers (the status endpoint's p50/p95).
    public let firstTokens = FirstTokenWindow()
    /// Requests by outcome and tokens since start (Prometheus).
    public let counters = InferenceCounters()
    let logger: Logger

    public init(provider: any InferenceProvider, scheduler: InferenceScheduler = InferenceScheduler(),
                screen: SafetyScreen = SafetyScreen(), redactor: PIIRedactor = PIIRedactor(cache: RedactionCache()),
                maxPromptCharacters: Int = 16_000, maxCompletionTokens: Int = 2_048, holdBack: Int = 0,
                ledger: (any InferenceLedger)? = nil, quotas: InferenceQuotas? = nil, moderation: ExternalModeration? = nil,
                logger: Logger = Logger(label: "qianxue.inference")) {
        self.ledger = ledger
        self.moderation = moderation
        self.quotas = quotas
        self.logger = logger
        self.provider = provider
        self.scheduler = scheduler
        self.screen = screen
        self.redactor = redactor
        self.maxPromptCharacters = maxPromptCharacters
        self.maxCompletionTokens = maxCompletionTokens
        self.holdBack = holdBack
    }

    /// Checks the job, screens its input and takes a slot; then streams the answer. Throws
    /// `ChatRefusal` or `SchedulerError` before any event.
    public func start(_ job: ChatJob) async throws -> AsyncStream<ChatEvent> {
        let (events, continuation) = AsyncStream.makeStream(of: ChatEvent.self)
        let answer = try await start(job, into: ContinuationSink(continuation: continuation))
        continuation.onTermination = { _ in answer.cancel() }
        return events
    }

    /// As `start(_:)`, with the events handed to `sink` as they happen (on the thread that produced
    /// them: no task between the endpoint and the sink). Cancelling the returned task stops the
    /// answer (the client went away); it ends after the sink's `finish` (a sink may pass events on
    /// later: the companion's holds `done` until the reply is stored).
    @discardableResult
    public func start(_ job: ChatJob, into sink: some ChatEventSink) async throws -> Task<Void, Never> {
        let size = job.messages.reduce(0) { $0 + $1.content.count }
        guard let last = job.messages.last(where: { $0.role == .user }),
              !last.content.unicodeScalars.allSatisfy(Self.isBlank) else { throw ChatRefusal.empty }
        guard size <= maxPromptCharacters else { throw ChatRefusal.tooLong(limit: maxPromptCharacters) }
        guard (1...maxCompletionTokens).contains(job.maxCompletionTokens) else {
            throw ChatRefusal.invalidTokens("maxCompletionTokens must be between 1 and \(maxCompletionTokens)")
        }

        // Input safety: the newest message screened; every message but the system prompt (which the
        // caller writes) redacted — earlier replies too, since names were restored in them.
        let names = redactor.prepare(job.names)
        var checked = screen.check(last.content, prepared: names, redactor: redactor)
        if !checked.mustRefuse, let moderation {
            do {
                checked = checked.adding(try await moderation.check(checked.redaction.text))
            } catch {
                counters.moderationFailed()
                logger.warning("the moderation endpoint failed; the shipped screen's verdict stands", metadata: ["error": "\(error)"])
            }
        }
        let screened = checked
        let lastIndex = job.messages.lastIndex { $0.role == .user }
        let messages = job.messages.enumerated().map { i, m -> ChatMessage in
            if m.role == .system { return m }
            // the newest message was redacted by the screen already
            return ChatMessage(m.role, i == lastIndex ? screened.redaction.text : redactor.redact(m.content, prepared: names).text)
        }
        if screened.mustRefuse, let flag = screened.flags.mostSevere {
            await record(job, provider: "safety", model: "none", usage: nil, firstToken: nil, duration: .zero, outcome: .refused,
                         decisions: screened.decisions)
            Self.refuse(flag, into: sink)
            return Task {}
        }
        // Help for a student in distress never waits on a budget; everything else does.
        if let quotas, let spent = try await quotas.exceeded(school: job.ticket.school, county: job.county,
                                                             day: PlatformCalendar.day(of: Date())) {
            throw spent
        }

        let lease = try await scheduler.acquire(job.ticket)
        let request = ChatRequest(messages: messages, maxCompletionTokens: job.maxCompletionTokens,
                                  temperature: job.temperature, passages: job.passages, responseFormat: job.responseFormat,
                                  hintLadders: job.hintLadders)
        let output = screen.outputScreen(holdBack: holdBack, forbidden: job.forbidden)
        let early = screened.flags.filter { $0.severity > .low }
        // Started on this thread, so that the endpoint is asked before the caller answers its client.
        return Task.immediate {
            await run(request, job: job, output: output, redaction: screened.redaction, lease: lease, earlyFlags: early,
                      inputDecisions: screened.decisions, out: sink)
            sink.finish()
        }
    }

    private func run(_ request: ChatRequest, job: ChatJob, output: OutputScreen, redaction: Redaction, lease: SchedulerLease,
                     earlyFlags: [SafetyFlag], inputDecisions: [SafetyDecision], out: some ChatEventSink) async {
        let relay = AnswerRelay(screen: output, redaction: redaction, provider: provider.kind, model: provider.model, out: out)
        relay.flag(earlyFlags)
        var failure: InferenceError?
        do {
            try await provider.relay(request) { relay.take($0) }
            relay.finishScreen()
        } catch let e as InferenceError {
            relay.finishScreen()
            failure = e
        } catch {
            let s = relay.snapshot
            await record(job, s, duration: .now - relay.started, outcome: .cancelled, decisions: inputDecisions)
            await scheduler.release(lease, tokensUsed: s.usage?.total)
            return
        }
        // The ledger first, then the slot: a request that takes the slot next sees these tokens in
        // its school's budget (the batched ledger records in memory, so the slot is not held longer).
        let s = relay.snapshot
        if let failure {
            await record(job, s, duration: .now - relay.started, outcome: .failed, decisions: inputDecisions)
            await scheduler.release(lease, tokensUsed: s.usage?.total)
            out.send(.error(failure))
            return
        }
        if let firstToken = s.firstToken { firstTokens.add(milliseconds: Double(firstToken / .microseconds(1)) / 1000) }
        await record(job, s, duration: .now - relay.started, outcome: s.finish == "content_filter" ? .stopped : .completed,
                     decisions: inputDecisions)
        await scheduler.release(lease, tokensUsed: s.usage?.total)
        out.send(.done(ChatDone(messageID: UUID.random(), text: s.sent, usage: s.usage, provider: s.provider, model: s.model,
                                finishReason: s.finish, firstTokenAfter: s.firstToken, waited: lease.waited)))
    }

    private func record(_ job: ChatJob, _ s: AnswerRelay.State, duration: Duration, outcome: LedgerEntry.Outcome,
                        decisions: [SafetyDecision]) async {
        await record(job, provider: s.provider, model: s.model, usage: s.usage, firstToken: s.firstToken, duration: duration,
                     outcome: outcome, decisions: decisions + s.outputFlags.map { SafetyDecision($0, stage: .output) })
    }

    /// Counts the request and writes the ledger entry; a failure to write is logged, never shown to the student.
    private func record(_ job: ChatJob, provider: String, model: String, usage: TokenUsage?, firstToken: Duration?,
                        duration: Duration, outcome: LedgerEntry.Outcome, decisions: [SafetyDecision]) async {
        counters.add(outcome: outcome, provider: provider, usage: usage)
        guard let ledger else { return }
        func ms(_ d: Duration) -> Int { Int(d / .milliseconds(1)) }
        let entry = LedgerEntry(userID: job.ticket.user, schoolID: job.ticket.school, county: job.county, purpose: job.purpose, provider: provider,
                                model: model, promptTokens: usage?.promptTokens ?? 0, completionTokens: usage?.completionTokens ?? 0,
                                firstTokenMilliseconds: firstToken.map(ms), durationMilliseconds: ms(duration), outcome: outcome)
        var withDecisions = entry
        withDecisions.decisions = decisions
        do {
            try await ledger.record(withDecisions)
        } catch {
            logger.error("the inference ledger could not record a request: \(error)", metadata: ["outcome": "\(outcome.rawValue)"])
        }
    }

    /// What `.whitespacesAndNewlines` holds — Unicode's White_Space and the zero-width space —
    /// without bridging the message to NSString to trim it.
    static func isBlank(_ u: Unicode.Scalar) -> Bool { u.properties.isWhitespace || u == "\u{200B}" }

    /// The answer to an input the screen refuses: the flag with its help message, and nothing sent
    /// to the endpoint.
    static func refuse(_ flag: SafetyFlag, into out: some ChatEventSink) {
        out.send(.flag(flag))
        out.send(.delta(flag.message))
        out.send(.done(ChatDone(messageID: UUID.random(), text: flag.message, usage: nil, provider: "safety", model: "none",
                                finishReason: "refused", firstTokenAfter: nil, waited: .zero)))
        out.finish()
    }
}
