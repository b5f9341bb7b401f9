import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OpenAPIRuntime
import Persistence
import QianxueCore
import Registry

/// Everything the gateway does around a handler, in one stage rather than a stack of middleware
/// (each layer of which costs an async frame and a copy of the context on every request):
/// request id → body limit → rate limits → bearer auth → hot reads | idempotency → handler, with every error
/// turned into a problem document, and the access log line and metrics at the end.
struct GatewayPipeline: RouterMiddleware {
    typealias Context = AppRequestContext

    let metrics: GatewayMetrics
    let accounts: AccountService
    let userLimiter: RateLimiter
    let addressLimiter: RateLimiter
    let bodyLimit: BodyLimit
    let idempotency: IdempotencyGuard
    let admission: AdmissionGate
    let databaseGate: DatabaseGate
    /// Answers `GET /v1/me` and `GET /v1/regions/{code}` from encoded bytes (nil: the generated server answers).
    let hotReads: HotReads?

    /// Probes and scrapes are never rate limited.
    static let unlimited: Set<String> = ["/health", "/ready", "/metrics"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        // Read once: each read of `uri.path` makes a new string.
        let path = request.uri.path
        var context = context
        let id = request.headers[.requestID].flatMap(RequestIDs.accept) ?? RequestIDs.generate()
        context.requestID = id
        // The request id goes into each line this stage logs (the only lines logged with this
        // context), rather than into the logger: copying its metadata cost every request.
        let requestID: Logger.Metadata.Value = .string(id)

        var response: Response
        do {
            let context = context
            func admitted() async throws -> Response {
                try await admission.admitted(method: request.method.rawValue, path: path) {
                    try await inner(request, path: path, context: context, next: next)
                }
            }
            response = if let loop = LoopTaskExecutor.serving(request.method, path, on: context.channel) {
                try await withTaskExecutorPreference(loop, operation: admitted)
            } else {
                try await admitted()
            }
        } catch {
            databaseGate.observe(error)
            let problem = ProblemRenderer.appError(from: error)
            // While the database is out of reach the gate logs the outage once, not every refusal;
            // a refusal for overload is the gateway working as meant (a surge makes thousands a
            // minute, counted in /metrics by status), so it is logged at debug, not as a failure.
            if problem.type == .overloaded {
                context.logger.debug("request refused: overloaded", metadata: ["error": .string(problem.detail), "request_id": requestID])
            } else if problem.type.status >= 500, !(problem.type == .databaseUnavailable && databaseGate.isDown) {
                context.logger.error("request failed", metadata: ["error": .string(Self.loggable(error)), "request_id": requestID])
            }
            response = ProblemRenderer.response(for: problem, requestID: id, path: path)
        }
        response.headers[.requestID] = id
        SecurityHeaders.apply(to: &response.headers, path: path)

        let elapsed = ContinuousClock.now - start
        let route = context.endpointPath ?? "unmatched"
        let status = Int(response.status.code)
        metrics.record(method: request.method.rawValue, route: route, status: status, duration: elapsed)
        if context.logger.logLevel <= .info {
            var meta: Logger.Metadata = [
                "request_id": requestID, "method": .string(request.method.rawValue), "route": .string(route), "status": .stringConvertible(status),
                "duration_us": .stringConvertible(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000),
            ]
            if let u = context.state.userID { meta["user_id"] = .string(u.uuidString.lowercased()) }
            context.logger.info("request", metadata: meta)
        }
        return response
    }

    private func inner(_ request: Request, path: String, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        try databaseGate.check(path: path)
        try await bodyLimit.apply(&request)
        let limited = !Self.unlimited.contains(path)
        if limited, addressLimiter.isOn, let wait = addressLimiter.take("addr:" + context.clientAddress) {
            throw AppError(.rateLimited, "too many requests from this address; slow down", retryAfter: wait)
        }
        var caller: Caller?
        if let header = request.headers[.authorization] {
            guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
                throw AppError.unauthenticated("the Authorization header must be 'Bearer <token>'")
            }
            let c = try await accounts.authenticate(token: String(header.dropFirst(7).drop { $0 == " " }))
            context.state.userID = c.principal.userID
            if limited, userLimiter.isOn, let wait = userLimiter.take("user:" + c.principal.userID.uuidString) {
                throw AppError(.rateLimited, "too many requests for this account; slow down", retryAfter: wait)
            }
            caller = c
        }
        if let hotReads, let answer = await hotReads.answer(request, context: context, caller: caller) {
            return answer
        }
        let scope = RequestScope(requestID: context.requestID, caller: caller, state: context.state)
        let req = request
        var response = try await RequestScope.$current.withValue(scope) {
            try await idempotency.run(req, context: context, caller: caller) { request, context in
                let response = try await OutboundAffinity.$eventLoop.withValue(context.channel.eventLoop) {
                    try await next(request, context)
                }
                return Self.relayingEventFrames(response, to: request, context: context)
            }
        }
        if let etag = context.state.etag { response.headers[.eTag] = etag }
        return response
    }
}

extension GatewayPipeline {
    /// A streamed answer whose handler left its frames in the request's state is written straight
    /// to the client's connection (`EventFrameQueue.relay`) instead of through the generated
    /// server's body; the status and headers stay the generated server's. The original body is kept
    /// until the relay ends: dropping it cancels the answer. Only a 200 event stream of unknown
    /// length answering a POST is relayed: HTTP/1's encoder frames its body as chunked, which
    /// `FrameEntry` relies on.
    static func relayingEventFrames(_ response: Response, to request: Request, context: Context) -> Response {
        guard let frames = context.state.takeEventFrames() else { return response }
        // A channel that is not active is no client's connection: a client already gone, or
        // Hummingbird's router testing, which hands the response to its caller, not to a socket.
        let channel = context.channel
        guard request.method == .post, response.status == .ok, response.headers[.contentLength] == nil,
              response.headers[.contentType]?.hasPrefix("text/event-stream") == true,
              channel.isActive else { return response }
        var relayed = response
        let original = response.body
        relayed.body = ResponseBody { writer in
            try await frames.relay(to: channel, finishing: &writer)
            withExtendedLifetime(original) {}
        }
        return relayed
    }
}

/// Request bodies are read into memory up to a limit (413 beyond it); routes may declare a larger one.
struct BodyLimit: Sendable {
    let defaultLimit: Int
    /// Path prefixes with their own limit, e.g. a roster upload.
    let routeLimits: [(prefix: String, limit: Int)]

    func apply(_ request: inout Request) async throws {
        switch request.method {
        case .post, .put, .patch, .delete: break
        default: return
        }
        let path = request.uri.path
        let limit = routeLimits.first { path.hasPrefix($0.prefix) }?.limit ?? defaultLimit
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw Self.tooLarge(limit)
        }
        do {
            _ = try await request.collectBody(upTo: limit)
        } catch let e as HTTPError where e.status == .contentTooLarge {
            throw Self.tooLarge(limit)
        }
    }

    static func tooLarge(_ limit: Int) -> AppError {
        AppError(.payloadTooLarge, "the request body is larger than this route's limit of \(limit) bytes")
    }
}

extension GatewayPipeline {
    /// An error as the log may show it: the generated server's errors describe the whole request,
    /// headers and all (a bearer token among them), so only the operation, the cause and the
    /// underlying error are kept.
    static func loggable(_ error: any Error) -> String {
        if let e = error as? ServerError {
            return "\(e.operationID): \(e.causeDescription): \(String(reflecting: e.underlyingError))"
        }
        return String(reflecting: error)
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
