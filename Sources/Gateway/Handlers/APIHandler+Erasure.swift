import Foundation
import Persistence
import QianxueAPI
import QianxueCore
import Registry

extension APIHandler {
    /// DELETE /v1/students/{id}/data: a guardian's request to erase their child's data. Each
    /// module erases what it keeps, all in one transaction with the audit event that records it:
    /// either all of it is gone and the event is in the trail, or nothing changed.
    func eraseStudentData(_ input: Operations.EraseStudentData.Input) async throws -> Operations.EraseStudentData.Output {
        let caller = try RequestScope.caller()
        let id = try parseUUID(input.path.id, field: "id")
        let reference = try Self.requestReference(input.query.requestReference)
        _ = try await registry.studentToErase(id, by: caller)
        let requestID = RequestScope.requestID
        let instant = Date()
        let (registry, companion, assessment, assistant, audit) = (self.registry, self.companion, self.assessment, self.assistant, self.audit)
        let answers = IdempotencyStore(database: database)
        let records = try await database.withAmbientTransaction { tx -> [ErasedRecords] in
            // The account first: its row lock makes a concurrent erasure of the same student wait, then answer 410.
            let account = try await registry.eraseStudent(id, at: instant, on: tx)
            let chat = try await companion.eraseStudent(id, on: tx)
            let tests = try await assessment.eraseStudent(id, on: tx)
            let work = try await assistant.eraseStudent(id, sessionIDs: chat.sessionIDs, on: tx)
            let stored = try await answers.eraseAnswers(of: id, mentioning: chat.sessionIDs + work.submissionIDs, on: tx)
            let records = account + chat.records + tests + work.records + [ErasedRecords("storedAnswers", count: stored)]
            try await audit.append(AuditEvent(actorID: caller.userID, actorRole: caller.role, action: "student.erase", targetType: "user",
                                              targetID: id.uuidString, purpose: "guardian request", requestID: requestID,
                                              detail: "reference=\(reference) \(ErasedRecords.summary(records))"), on: tx)
            return records
        }
        accounts.forgetTokens(of: id)
        return .ok(.init(body: .json(.init(
            studentId: id.uuidString.lowercased(), erasedAt: instant, requestReference: reference,
            records: records.map { .init(kind: $0.kind, action: $0.action == .removed ? .removed : .anonymised, count: $0.count) }))))
    }

    /// The guardian's request as the school files it: 1–200 characters, no control characters.
    static func requestReference(_ raw: String) throws -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(text.count), !text.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw AppError.validation("requestReference must name the guardian's request in 1–200 characters, on one line", field: "requestReference")
        }
        return text
    }
}
