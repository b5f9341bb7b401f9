import Foundation
import Persistence
import QianxueCore

/// Staff reads of students' data that are answered by the gateway from several services (progress,
/// flags, xAPI, OneRoster) and class membership changes: each writes its audit event here, with the
/// request's id, once the answer is ready.
extension APIHandler {
    func auditStaffAccess(_ action: String, targetType: String, targetID: String?, purpose: String, detail: String? = nil) async throws {
        let caller = try RequestScope.caller()
        guard caller.role.isStaff else { return }
        try await audit.append(AuditEvent(actorID: caller.userID, actorRole: caller.role, action: action, targetType: targetType,
                                          targetID: targetID, purpose: purpose, requestID: RequestScope.requestID, detail: detail))
    }
}
