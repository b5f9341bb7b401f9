import Foundation
import QianxueAPI
import QianxueCore

extension APIHandler {
    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case .json(let body) = input.body else { throw AppError(.unsupportedMediaType, "send the credentials as JSON") }
        let session = try await accounts.login(username: body.username, password: body.password, requestID: RequestScope.requestID)
        return .ok(.init(body: .json(.init(token: session.token, expiresAt: session.expiresAt, user: .init(session.user)))))
    }

    func logout(_ input: Operations.Logout.Input) async throws -> Operations.Logout.Output {
        try await accounts.logout(try RequestScope.caller())
        return .noContent(.init())
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        .ok(.init(body: .json(.init(try RequestScope.signedIn().user))))
    }

    func changePassword(_ input: Operations.ChangePassword.Input) async throws -> Operations.ChangePassword.Output {
        let caller = try RequestScope.caller()
        guard case .json(let body) = input.body else { throw AppError(.unsupportedMediaType, "send the passwords as JSON") }
        let session = try await accounts.changePassword(caller, current: body.currentPassword, new: body.newPassword,
                                                        requestID: RequestScope.requestID)
        return .ok(.init(body: .json(.init(token: session.token, expiresAt: session.expiresAt, user: .init(session.user)))))
    }
}
