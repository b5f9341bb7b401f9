import Foundation
import OpenAPIRuntime
import QianxueAPI
import QianxueCore
import Registry

extension APIHandler {
    /// The largest roster upload (the route's declared body limit).
    static let rosterUploadLimit = 50 << 20

    func importOneRoster(_ input: Operations.ImportOneRoster.Input) async throws -> Operations.ImportOneRoster.Output {
        let caller = try RequestScope.caller()
        try caller.require(.admin, .schoolAdmin, to: "import rosters")
        guard case .applicationZip(let body) = input.body else { throw AppError(.unsupportedMediaType, "send the package as application/zip") }
        let data = try await Data(collecting: body, upTo: Self.rosterUploadLimit)
        let report = try await registry.importOneRoster(zip: data, county: input.query.county, by: caller)
        return .ok(.init(body: .json(.init(
            files: .init(additionalProperties: report.files.mapValues {
                .init(created: $0.created, updated: $0.updated, unchanged: $0.unchanged, deleted: $0.deleted, skipped: $0.skipped)
            }),
            schoolIds: report.schoolIDs.map { $0.uuidString.lowercased() }, changedNothing: report.changedNothing))))
    }

    func exportOneRoster(_ input: Operations.ExportOneRoster.Input) async throws -> Operations.ExportOneRoster.Output {
        let caller = try RequestScope.caller()
        let schoolID = try parseUUID(input.query.school, field: "school")
        try await registry.requireSchoolAdmin(schoolID, caller, to: "export the school's roster")
        let zip = try await registry.exportOneRosterZip(schoolID: schoolID)
        try await audit.append(.init(actorID: caller.userID, actorRole: caller.role, action: "roster.export", targetType: "school",
                                     targetID: schoolID.uuidString, purpose: "oneroster export", requestID: RequestScope.requestID))
        return .ok(.init(body: .applicationZip(HTTPBody(zip))))
    }

    func issueActivationCodes(_ input: Operations.IssueActivationCodes.Input) async throws -> Operations.IssueActivationCodes.Output {
        let caller = try RequestScope.caller()
        let schoolID = try parseUUID(input.path.id, field: "id")
        try await registry.requireSchoolAdmin(schoolID, caller, to: "issue activation codes")
        let codes = try await accounts.issueActivationCodes(schoolID: schoolID, by: caller)
        let expires = RFC3339Transcoder()
        var csv = "username,displayName,role,code,expiresAt\r\n"
        for c in codes {
            csv += [c.user.username, c.user.displayName, c.user.role.rawValue, c.code, try expires.encode(c.expiresAt)]
                .map(CSVText.field).joined(separator: ",") + "\r\n"
        }
        return .ok(.init(body: .csv(HTTPBody(csv))))
    }

    func activateAccount(_ input: Operations.ActivateAccount.Input) async throws -> Operations.ActivateAccount.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the activation as JSON") }
        try await accounts.activate(code: b.code, username: b.username, newPassword: b.newPassword, requestID: RequestScope.requestID)
        return .noContent(.init())
    }
}

