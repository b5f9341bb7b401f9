import Hummingbird
import Logging
import QianxueCore

/// Catches every error below it and answers with a problem document; 5xx are logged with the request id.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = ProblemRenderer.appError(from: error)
            if problem.type.status >= 500 {
                context.logger.error("request failed", metadata: ["error": .string(String(reflecting: error))])
            }
            return ProblemRenderer.response(for: problem, requestID: context.requestID, path: request.uri.path)
        }
    }
}
