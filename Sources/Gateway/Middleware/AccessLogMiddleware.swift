import Foundation
import Hummingbird
import Logging

/// One log line per request — method, route template, status, duration, user — and the request
/// metrics. Never a token, a password or a query string.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: GatewayMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let route = context.endpointPath ?? "unmatched"
        let status = Int(response.status.code)
        metrics.record(method: request.method.rawValue, route: route, status: status, duration: elapsed)
        guard context.logger.logLevel <= .info else { return response }
        var meta: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "route": .string(route),
            "status": .stringConvertible(status),
            "duration_us": .stringConvertible(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000),
        ]
        if let u = context.state.userID { meta["user_id"] = .string(u.uuidString.lowercased()) }
        context.logger.info("request", metadata: meta)
        return response
    }
}
