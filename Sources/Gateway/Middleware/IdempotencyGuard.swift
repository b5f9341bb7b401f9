import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Persistence
import QianxueCore
import Registry

/// `Idempotency-Key` on POST: the first request runs and its answer is stored in the database; a
/// retry with the same key and body gets that answer, from any gateway instance.
struct IdempotencyGuard: Sendable {
    let store: IdempotencyStore
    /// Answers that carry secrets (sign-in tokens, activation codes) are never stored.
    static let excludedPrefixes = ["/v1/auth/", "/v1/me/password"]
    static let excludedSuffixes = ["/activation-codes"]

    func run(_ request: Request, context: AppRequestContext, caller: Caller?,
             next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        // Only a signed-in caller's writes are claimed: every POST outside /v1/auth/ needs one, so an
        // anonymous request goes straight on to its 401 (a stored key must not answer first).
        guard request.method == .post, let caller, let key = request.headers[.idempotencyKey],
              !Self.excludedPrefixes.contains(where: { request.uri.path.hasPrefix($0) }),
              !Self.excludedSuffixes.contains(where: { request.uri.path.hasSuffix($0) })
        else { return try await next(request, context) }
        guard (1...255).contains(key.count), key.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7E }) else {
            throw AppError.validation("Idempotency-Key must be 1–255 printable ASCII characters", field: "Idempotency-Key")
        }
        var request = request
        let body = try await request.collectBody(upTo: .max)
        var hashInput = Data("\(request.method.rawValue) \(request.uri.path)?\(request.uri.query ?? "")\n".utf8)
        hashInput.append(contentsOf: body.readableBytesView)
        let scope = "user:\(caller.principal.userID.uuidString)"
        if Self.runsInTransaction(request.uri.path) {
            return try await runInTransaction(request, context: context, scope: scope, key: key, requestHash: Digest.sha256Hex(hashInput), next: next)
        }

        let claim = try await store.claim(scope: scope, key: key, requestHash: Digest.sha256Hex(hashInput))
        switch claim {
        case .mismatch, .inProgress, .replay:
            return try answer(claim)
        case .claimed(let id):
            context.state.keepsFinalMessage = true
            let response: Response
            do {
                response = try await next(request, context)
            } catch {
                let problem = ProblemRenderer.appError(from: error)
                if problem.type.status >= 500 {
                    try? await store.release(id)
                } else {
                    let r = ProblemRenderer.response(for: problem, requestID: context.requestID, path: request.uri.path)
                    try await store.complete(id, with: StoredResponse(status: problem.type.status, contentType: "application/problem+json",
                                                                      body: try await ResponseBuffering.buffered(r).body))
                }
                throw error
            }
            if response.headers[.contentType]?.hasPrefix("text/event-stream") == true {
                return streamed(response, claim: id, state: context.state)
            }
            let (collected, data) = try await ResponseBuffering.buffered(response)
            if response.status.code >= 500 {
                try? await store.release(id)
            } else {
                try await store.complete(id, with: StoredResponse(status: Int(response.status.code),
                                                                  contentType: response.headers[.contentType], body: data))
            }
            return collected
        }
    }

    /// The answer to a key that was not claimed: its stored answer, or why it cannot run now.
    func answer(_ claim: IdempotencyStore.Claim) throws -> Response {
        switch claim {
        case .mismatch:
            throw AppError(.idempotencyMismatch, "this Idempotency-Key was used for a different request", fields: ["Idempotency-Key"])
        case .inProgress, .claimed:
            throw AppError(.conflict, "the first request with this Idempotency-Key is still running; retry shortly", retryAfter: 1)
        case .replay(let stored):
            var headers: HTTPFields = [:]
            if let ct = stored.contentType { headers[.contentType] = ct }
            headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
            return Response(status: .init(code: stored.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: stored.body)))
        }
    }

    /// A stream passes through unbuffered; when it has ended, the final message the handler left
    /// is stored as the JSON answer for replays, or, without one (the stream broke, the client
    /// left), the key is released so that a retry runs again.
    private func streamed(_ response: Response, claim id: UUID, state: RequestState) -> Response {
        var copy = response
        let original = response.body
        let store = self.store
        copy.body = ResponseBody { writer in
            do {
                try await original.write(writer)
            } catch {
                try? await store.release(id)
                throw error
            }
            if let final = state.finalMessage {
                try? await store.complete(id, with: StoredResponse(status: Int(response.status.code), contentType: "application/json", body: final))
            } else {
                try? await store.release(id)
            }
        }
        return copy
    }
}
