import Foundation
import HTTPTypes
import OpenAPIRuntime
import QianxueCore

/// Answers 401 to an anonymous call of any operation the contract does not make public, before the
/// generated server reads its parameters and body: otherwise a missing query parameter or a
/// malformed body answered 400 first, telling someone who has not signed in about the operation.
/// Which operations are public is the contract's `security: []`, so a new route is covered the day
/// it is added.
struct SignInRequirement: ServerMiddleware {
    let publicOperations: Set<String>

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if !publicOperations.contains(operationID) {
            _ = try RequestScope.signedIn()
        }
        return try await next(request, body, metadata)
    }
}
