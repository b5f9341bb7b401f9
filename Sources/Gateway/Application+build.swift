import Foundation
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import Persistence
import QianxueAPI
import ServiceLifecycle

/// Builds the HTTP application over an opened platform: the router with its middleware and the
/// generated API handlers. The database closes after the server has drained.
public func buildApplication(platform: Platform, logger: Logger) throws -> some ApplicationProtocol {
    let router = try buildRouter(platform: platform)
    let config = platform.config
    // Services stop in reverse order: the purge before the database closes.
    var services: [any Service] = [PlatformCloser(platform: platform)]
    if let hour = config.retention.purgeHour {
        services.append(RetentionSchedule(purge: try platform.retentionPurge(), hour: hour, startupDelay: config.retention.startupDelay,
                                          logger: Logger(label: "qianxue.retention")))
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: nil),
        services: services,
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? config.port
            logger.info("qianxue listening on http://\(config.host):\(port) · database \(config.database) · inference \(config.inferenceDescription) · \(config.environment.rawValue)")
        },
        logger: logger)
}

/// The router alone, for tests that drive it without a socket. `hotReads: false` leaves every
/// route to the generated server, for tests that compare the two.
public func buildRouter(platform: Platform, hotReads: Bool = true) throws -> Router<AppRequestContext> {
    let config = platform.config
    let router = Router(context: AppRequestContext.self)
    if config.benchmarkRoutes {
        // Registered before any middleware: the bare baseline the gateway benchmark compares with.
        router.get("/bench/plain") { _, _ in ["status": "ok"] }
    }
    let metrics = GatewayMetrics()
    let inference = platform.inference
    let handler = APIHandler(database: platform.database, accounts: platform.accounts, registry: platform.registry, curriculum: platform.curriculum,
                             audit: platform.audit, metrics: metrics, inference: inference, companion: platform.companion, assessment: platform.assessment,
                             assistant: platform.assistant, reports: platform.reports, contract: try ContractDocuments())
    router.add(middleware: GatewayPipeline(
        metrics: metrics, accounts: platform.accounts,
        userLimiter: RateLimiter(perMinute: config.userRequestsPerMinute),
        addressLimiter: RateLimiter(perMinute: config.addressRequestsPerMinute),
        bodyLimit: BodyLimit(defaultLimit: config.bodyLimit, routeLimits: [("/v1/rostering/oneroster", APIHandler.rosterUploadLimit)]),
        idempotency: IdempotencyGuard(store: platform.idempotency),
        admission: AdmissionGate(limit: config.maxConcurrentRequests, maxWait: config.admissionWait),
        databaseGate: DatabaseGate(database: platform.database, logger: Logger(label: "qianxue.database")),
        hotReads: hotReads ? HotReads(handler: handler, configuration: APIHandler.serverConfiguration) : nil))
    try handler.registerHandlers(on: router, configuration: APIHandler.serverConfiguration,
                                 middlewares: [SignInRequirement(publicOperations: handler.contract.publicOperations)])
    return router
}

extension APIHandler {
    /// How the generated server encodes and decodes. Compact JSON: pretty-printing every answer
    /// cost the gateway a tenth of its throughput.
    static let serverConfiguration = OpenAPIRuntime.Configuration(dateTranscoder: RFC3339Transcoder(), jsonEncodingOptions: [.sortedKeys])
}

/// Closes the inference client and the database pool once the server has stopped taking requests.
struct PlatformCloser: Service {
    let platform: Platform

    func run() async throws {
        try? await gracefulShutdown()
        await platform.shutdown()
    }
}
