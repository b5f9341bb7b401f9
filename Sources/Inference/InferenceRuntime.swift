import Logging
import QianxueCore

/// The inference side of a running platform: the provider every caller uses (the endpoint behind
/// retries, breaker and offline fallback, or the offline provider alone), the endpoint's breaker,
/// and the way out to the endpoint (the platform's transport; its owner closes it).
public struct InferenceRuntime: Sendable {
    public enum State: String, Sendable {
        /// No endpoint configured: the offline provider answers.
        case offline
        /// Configured, and its last requests succeeded (or there were none yet).
        case available
        /// Configured, and its breaker is open or probing: the offline provider answers meanwhile.
        case unavailable
    }

    public let endpoint: InferenceEndpoint?
    public let provider: any InferenceProvider
    public let breaker: CircuitBreaker?
    /// The external moderation endpoint, when one is configured.
    public let moderation: InferenceEndpoint?
    /// The inference path over the provider: safety, scheduler, events.
    public let service: InferenceService
    /// How the endpoint and the moderation endpoint are reached (Gateway's HTTP client).
    public let transport: (any OutboundTransport)?

    /// Uses the endpoint when one is configured (and a transport to reach it), else the offline provider.
    public init(endpoint: InferenceEndpoint?, transport: (any OutboundTransport)?, settings: OpenAISettings = OpenAISettings(),
                breaker: CircuitBreaker = CircuitBreaker(), scheduler: SchedulerSettings = SchedulerSettings(),
                ledger: (any InferenceLedger)? = nil, quotas: InferenceQuotas? = nil,
                moderation: InferenceEndpoint? = nil, moderationTimeout: Duration = .seconds(2)) {
        self.endpoint = endpoint
        self.transport = transport
        if let endpoint, let transport {
            self.breaker = breaker
            provider = ResilientProvider(primary: OpenAICompatibleProvider(endpoint: endpoint, transport: transport, settings: settings),
                                         breaker: breaker)
        } else {
            self.breaker = nil
            provider = OfflineProvider()
        }
        self.moderation = moderation
        service = InferenceService(provider: provider, scheduler: InferenceScheduler(settings: scheduler), ledger: ledger, quotas: quotas,
                                   moderation: transport.flatMap { t in moderation.map { ExternalModeration(endpoint: $0, transport: t, timeout: moderationTimeout) } })
    }

    public var state: State {
        guard let breaker else { return .offline }
        return breaker.state == .closed ? .available : .unavailable
    }

    /// Asks the endpoint for its models and logs one line saying whether the configured one is there.
    public func checkAtStartup(logger: Logger) async {
        guard let endpoint, let transport else { return }
        let check = await OpenAICompatibleProvider(endpoint: endpoint, transport: transport).checkModel()
        switch check {
        case .found, .serverDefault: logger.info("\(check.logLine)")
        case .missing, .unreachable: logger.warning("\(check.logLine)")
        }
    }

    /// Stores what the ledger keeps for its next batch (before the usage is read, and at shutdown).
    public func flushLedger() async {
        await (service.ledger as? BatchedInferenceLedger)?.flush()
    }
}
