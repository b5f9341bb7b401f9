import Foundation
import Hummingbird
import QianxueCore
import Registry

/// Resolves the bearer token (if any) to the caller, applies the per-user and per-address rate
/// limits, and hands both request id and caller to the handlers through `RequestScope`.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let accounts: AccountService
    let userLimiter: RateLimiter
    let addressLimiter: RateLimiter
    /// Paths that are never rate limited (probes and scrapes).
    static let unlimited: Set<String> = ["/health", "/ready", "/metrics"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limited = !Self.unlimited.contains(request.uri.path)
        if limited, let wait = addressLimiter.take("addr:" + context.clientAddress) {
            throw AppError(.rateLimited, "too many requests from this address; slow down", retryAfter: wait)
        }
        var caller: Caller?
        if let header = request.headers[.authorization] {
            guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
                throw AppError.unauthenticated("the Authorization header must be 'Bearer <token>'")
            }
            let c = try await accounts.authenticate(token: String(header.dropFirst(7).drop { $0 == " " }))
            context.state.userID = c.principal.userID
            if limited, let wait = userLimiter.take("user:" + c.principal.userID.uuidString) {
                throw AppError(.rateLimited, "too many requests for this account; slow down", retryAfter: wait)
            }
            caller = c
        }
        var response = try await RequestScope.$current.withValue(RequestScope(requestID: context.requestID, caller: caller, state: context.state)) {
            try await next(request, context)
        }
        if let etag = context.state.etag { response.headers[.eTag] = etag }
        return response
    }
}
