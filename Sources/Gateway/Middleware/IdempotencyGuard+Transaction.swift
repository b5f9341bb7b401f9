import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Persistence
import QianxueCore

/// Writes that are plain database work run in one transaction with their key's claim and stored
/// answer: a gateway killed (SIGKILL, power cut) after the write but before the answer was recorded
/// would otherwise leave a pending claim over a committed write, and the retry, once the claim
/// went stale, would write a second time. Now either all of it committed (the retry replays the
/// answer) or none of it did (the retry runs afresh).
extension IdempotencyGuard {
    /// Routes whose POSTs are short database work (no inference call, no stream, no bulk import).
    static let transactionalPrefixes = ["/v1/schools", "/v1/classes", "/v1/assignments", "/v1/students", "/v1/safety/", "/v1/curriculum/pd/"]

    static func runsInTransaction(_ path: String) -> Bool {
        transactionalPrefixes.contains { path.hasPrefix($0) }
    }

    private enum Outcome: Sendable {
        case answered(Response)
        case refused(AppError)
        case other(IdempotencyStore.Claim)
    }

    /// The handler, lent to the transaction's closure for the length of the call. Fluent may hold
    /// that closure a moment after the transaction ends, so the handler is taken back out of the box
    /// before the call returns rather than left for the closure to release.
    private final class Continuation: @unchecked Sendable {
        var next: ((Request, AppRequestContext) async throws -> Response)?
        let request: Request
        let context: AppRequestContext

        init(next: @escaping (Request, AppRequestContext) async throws -> Response, request: Request, context: AppRequestContext) {
            self.next = next
            self.request = request
            self.context = context
        }

        func run() async throws -> Response {
            guard let next else { throw AppError(.internal, "the request's handler was called after the request ended") }
            return try await next(request, context)
        }
    }

    private struct ServerFailure: Error {
        let error: any Error
    }

    func runInTransaction(_ request: Request, context: AppRequestContext, scope: String, key: String, requestHash: String,
                          next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        // The transaction ends before this returns, so the handler never outlives the call.
        try await withoutActuallyEscaping(next) { next in
            let call = Continuation(next: next, request: request, context: context)
            defer { call.next = nil }
            return try await runInTransaction(call, scope: scope, key: key, requestHash: requestHash)
        }
    }

    private func runInTransaction(_ call: Continuation, scope: String, key: String, requestHash: String) async throws -> Response {
        let store = self.store
        // Fluent runs a transaction's body in a task of its own: the request's scope goes along by hand.
        let requestScope = RequestScope.current
        let outcome: Outcome
        do {
            outcome = try await store.database.withAmbientTransaction { tx in try await RequestScope.$current.withValue(requestScope) {
                let claim = try await store.claim(scope: scope, key: key, requestHash: requestHash, on: tx)
                guard case .claimed(let id) = claim else { return .other(claim) }
                call.context.state.keepsFinalMessage = true
                do {
                    let (response, data) = try await ResponseBuffering.buffered(try await call.run())
                    // A server failure rolls everything back: the key stays free for the retry.
                    if response.status.code >= 500 { throw ServerFailure(error: AppError(.internal, "the handler answered \(response.status.code)")) }
                    try await store.complete(id, with: StoredResponse(status: Int(response.status.code),
                                                                      contentType: response.headers[.contentType], body: data))
                    return .answered(response)
                } catch let failure as ServerFailure {
                    throw failure
                } catch {
                    let problem = ProblemRenderer.appError(from: error)
                    if problem.type.status >= 500 { throw ServerFailure(error: error) }
                    let r = ProblemRenderer.response(for: problem, requestID: call.context.requestID, path: call.request.uri.path)
                    let (_, data) = try await ResponseBuffering.buffered(r)
                    try await store.complete(id, with: StoredResponse(status: problem.type.status, contentType: "application/problem+json", body: data))
                    return .refused(problem)
                }
            } }
        } catch let failure as ServerFailure {
            throw failure.error
        }
        switch outcome {
        case .answered(let response): return response
        case .refused(let problem): throw problem
        case .other(let claim): return try answer(claim)
        }
    }
}
