import AsyncHTTPClient
import Logging

/// The inference side of a running platform: the provider every caller uses (the endpoint behind
/// retries, breaker and offline fallback, or the offline provider alone), the endpoint's breaker,
/// and the one HTTP client, closed at shutdown.
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
    /// The one outgoing HTTP client (endpoint, moderation, alert webhook), when any of them is configured.
    public let http: HTTPClient?

    /// Uses the endpoint when one is configured, else the offline provider. `alerts` asks for the
    /// HTTP client even without an endpoint (the alert webhook shares it).
    public init(endpoint: InferenceEndpoint?, settings: OpenAISettings = OpenAISettings(),
                breaker: CircuitBreaker = CircuitBreaker(), scheduler: SchedulerSettings = SchedulerSettings(),
                ledger: (any InferenceLedger)? = nil, quotas: InferenceQuotas? = nil,
                moderation: InferenceEndpoint? = nil, moderationTimeout: Duration = .seconds(2), alerts: Bool = false) {
        self.endpoint = endpoint
        let http = endpoint != nil || moderation != nil || alerts ? InferenceHTTPClient.make(settings: settings) : nil
        self.http = http
        if let endpoint, let http {
            self.breaker = breaker
            provider = ResilientProvider(primary: OpenAICompatibleProvider(endpoint: endpoint, http: http, settings: settings),
                                         breaker: breaker)
        } else {
            self.breaker = nil
            provider = OfflineProvider()
        }
        self.moderation = moderation
        service = InferenceService(provider: provider, scheduler: InferenceScheduler(settings: scheduler), ledger: ledger, quotas: quotas,
                                   moderation: http.flatMap { http in moderation.map { ExternalModeration(endpoint: $0, http: http, timeout: moderationTimeout) } })
    }

    public var state: State {
        guard let breaker else { return .offline }
        return breaker.state == .closed ? .available : .unavailable
    }

    /// Asks the endpoint for its models and logs one line saying whether the configured one is there.
    public func checkAtStartup(logger: Logger) async {
        guard let endpoint, let http else { return }
        let check = await OpenAICompatibleProvider(endpoint: endpoint, http: http).checkModel()
        switch check {
        case .found, .serverDefault: logger.info("\(check.logLine)")
        case .missing, .unreachable: logger.warning("\(check.logLine)")
        }
    }

    public func shutdown() async {
        try? await http?.shutdown()
    }

    /// Stores what the ledger keeps for its next batch (before the usage is read, and at shutdown).
    public func flushLedger() async {
        await (service.ledger as? BatchedInferenceLedger)?.flush()
    }
}
