import Foundation
import QianxueCore
import Registry

/// What the middleware learned about the request in flight, handed to the generated handlers
/// (which receive no Hummingbird context) through a task-local.
struct RequestScope: Sendable {
    @TaskLocal static var current = RequestScope(requestID: "-", caller: nil, state: nil)

    let requestID: String
    let caller: Caller?
    let state: RequestState?

    /// Sets the response's `ETag` header.
    static func setETag(_ etag: String) { current.state?.etag = etag }

    var principal: Principal? { caller?.principal }

    /// The signed-in caller; a handler that needs one gets it non-optional or answers 401.
    static func caller() throws -> Principal {
        try signedIn().principal
    }

    /// The signed-in caller with their own record.
    static func signedIn() throws -> Caller {
        guard let c = current.caller else {
            throw AppError.unauthenticated("this operation needs a bearer token: sign in with POST /v1/auth/login")
        }
        return c
    }

    static var requestID: String { current.requestID }
}
