import Hummingbird
import QianxueCore

/// Reads request bodies into memory up to a limit (413 beyond it); routes may declare a larger one.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let defaultLimit: Int
    /// Path prefixes with their own limit, e.g. a roster upload.
    let routeLimits: [(prefix: String, limit: Int)]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch, .delete].contains(request.method) else { return try await next(request, context) }
        let path = request.uri.path
        let limit = routeLimits.first { path.hasPrefix($0.prefix) }?.limit ?? defaultLimit
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw Self.tooLarge(limit)
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: limit)
        } catch let e as HTTPError where e.status == .contentTooLarge {
            throw Self.tooLarge(limit)
        }
        return try await next(request, context)
    }

    static func tooLarge(_ limit: Int) -> AppError {
        AppError(.payloadTooLarge, "the request body is larger than this route's limit of \(limit) bytes")
    }
}
