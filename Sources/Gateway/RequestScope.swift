import Foundation
import QianxueCore

/// What the middleware learned about the request in flight, handed to the generated handlers
/// (which receive no Hummingbird context) through a task-local.
struct RequestScope: Sendable {
    @TaskLocal static var current = RequestScope(requestID: "-", principal: nil)

    let requestID: String
    let principal: Principal?

    /// The signed-in caller; a handler that needs one gets it non-optional or answers 401.
    static func caller() throws -> Principal {
        guard let p = current.principal else {
            throw AppError.unauthenticated("this operation needs a bearer token: sign in with POST /v1/auth/login")
        }
        return p
    }

    static var requestID: String { current.requestID }
}
