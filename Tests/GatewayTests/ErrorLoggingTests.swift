import HTTPTypes
import OpenAPIRuntime
import QianxueCore
import Testing
@testable import Gateway

/// A failed request is logged without its headers: the generated server's error describes the
/// request whole, bearer token included.
@Suite struct ErrorLoggingTests {
    @Test func aServerErrorIsLoggedWithoutTheRequestsHeaders() {
        var request = HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/v1/assessment/responses/x/suggestion")
        request.headerFields[.authorization] = "Bearer secret-token-123"
        let error = ServerError(operationID: "suggestWrittenResponseScore", request: request, requestBody: nil,
                                requestMetadata: .init(), operationInput: nil, operationOutput: nil,
                                causeDescription: "User handler threw an error.",
                                underlyingError: AppError(.inferenceUnavailable, "no AI model is configured here"))
        let logged = GatewayPipeline.loggable(error)
        #expect(!logged.contains("secret-token-123"))
        #expect(logged.contains("suggestWrittenResponseScore") && logged.contains("no AI model is configured here"))
        // the unfiltered description would have carried it
        #expect(String(reflecting: error).contains("secret-token-123"))
    }
}
