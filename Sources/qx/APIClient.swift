import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import QianxueAPI

/// Builds the generated client for a server, with the stored token attached.
enum APIClient {
    /// One HTTP client for the process, whose reads may wait as long as a request may take: the
    /// shared client gives up after 90 s without a byte, and a quiz checked before it is shown, or
    /// a busy CPU model's first token, can take longer. Never shut down: it lives as long as `qx`.
    static let http = HTTPClient(eventLoopGroupProvider: .singleton,
                                 configuration: .init(timeout: .init(connect: .seconds(10), read: .seconds(600))))

    static func make(server: String, token: String?, timeout: Duration = .seconds(60)) throws -> Client {
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw QXError("--server '\(server)' is not an http(s) URL")
        }
        let limit = TimeAmount.nanoseconds(Int64(timeout / .nanoseconds(1)))
        return Client(
            serverURL: url,
            transport: AsyncHTTPClientTransport(configuration: .init(client: http, timeout: limit)),
            middlewares: [EmptyPathSegmentGuard()] + (token.map { [BearerTokenMiddleware(token: $0)] } ?? []))
    }
}

/// Refuses a request whose path has an empty part — an id or slug given as "" on the command line
/// — before it is sent: `/v1/drafts/` is another operation's path (or none), whose answer would
/// be misread as the one asked for.
struct EmptyPathSegmentGuard: ClientMiddleware {
    func intercept(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
                   next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)) async throws -> (HTTPResponse, HTTPBody?) {
        let path = (request.path ?? "/").prefix { $0 != "?" }
        if path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            throw QXError("an id or name given to qx is empty; nothing was sent")
        }
        return try await next(request, body, baseURL)
    }
}

/// An error `qx` prints as one line.
struct QXError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }

    /// The one line for a problem document from the server.
    init(problem: Components.Responses.Problem, status: Int, signingIn: Bool = false) {
        if case .applicationProblemJson(let p) = problem.body {
            var line = "\(p.title) (\(p.status))"
            if let d = p.detail { line += ": \(d)" }
            if let r = p.retryAfter { line += " — retry in \(r) s" }
            if p.status == 401, !signingIn { line += ". Sign in with: qx login" }
            description = line
        } else {
            description = "the server answered \(status)"
        }
    }

    /// The one line for a failure to reach the server at all.
    static func transport(_ error: any Error, server: String) -> QXError {
        if let e = error as? ClientError {
            if let own = e.underlyingError as? QXError { return own }
            if e.underlyingError is DecodingError {
                return QXError("\(server) answered \(e.operationID) with something qx cannot read (is it a Qianxue server of this version?)")
            }
            let inner = "\(e.underlyingError)"
            if inner.contains("connectTimeout") || inner.contains("connect") || inner.contains("refused") {
                return QXError("cannot reach \(server): is the server running? (\(inner))")
            }
            return QXError("request to \(server) failed: \(e.causeDescription) \(inner)")
        }
        return QXError("\(error)")
    }
}
