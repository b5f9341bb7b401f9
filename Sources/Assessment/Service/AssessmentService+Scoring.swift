import FluentKit
import Foundation
import Persistence
import QianxueCore
import Registry

/// A student's written answer to a constructed-response item, with the rubric its teacher scores it
/// against. For staff only: it holds the rubric and the exemplar.
public struct WrittenResponse: Sendable {
    public let id: UUID
    public let attemptID: UUID
    public let studentID: UUID
    public let studentName: String
    public let item: AssessmentItem
    public let text: String
    public let answeredAt: Date
    /// The teacher's score, once given.
    public let points: Int?
    public let scoredBy: UUID?
    public let scoredAt: Date?

    public var rubric: Rubric { item.rubric! }
}

extension AssessmentService {
    /// Written answers of a class's students (its teachers and school admins), oldest first; only
    /// those waiting for a score unless `pendingOnly` is false. The read is audited.
    public func writtenResponses(classID: UUID, pendingOnly: Bool, for p: Principal, requestID: String?) async throws -> [WrittenResponse] {
        try p.require(.teacher, .schoolAdmin, .admin, to: "score written answers")
        let cls = try await registry.classTaught(classID, by: p)
        let students = try await registry.members(ofClasses: [cls.id], role: .student)
        guard !students.isEmpty else { return [] }
        let attempts = try await AttemptModel.query(on: database.db).filter(\.$studentID ~~ Array(students))
            .filter(\.$kind == AttemptKind.form.rawValue).all()
        let byID = Dictionary(uniqueKeysWithValues: attempts.map { ($0.id!, $0) })
        guard !byID.isEmpty else { return [] }
        var q = ResponseModel.query(on: database.db).filter(\.$attemptID ~~ Array(byID.keys)).sort(\.$answeredAt)
        if pendingOnly { q = q.filter(\.$correct == nil) }
        let rows = try await q.all().filter { items.bank.item(id: $0.itemID)?.type == .constructed }
        let names = try await registry.displayNames(Set(rows.compactMap { byID[$0.attemptID]?.studentID }))
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "assessment.written.read", targetType: "class",
                                          targetID: cls.id.uuidString, purpose: "scoring", requestID: requestID))
        return try rows.map { r in
            let student = byID[r.attemptID]!.studentID
            return try written(r, student: student, name: names[student] ?? "")
        }
    }

    /// One written answer, for its student's teachers and school admins (the read is audited with
    /// `purpose`); another school's answer or a keyed item's is 404 / 422 as for scoring.
    public func writtenResponse(_ id: UUID, for p: Principal, purpose: String, requestID: String?) async throws -> WrittenResponse {
        try p.require(.teacher, .schoolAdmin, to: "read written answers")
        guard let r = try await ResponseModel.find(id, on: database.db),
              let m = try await AttemptModel.find(r.attemptID, on: database.db) else { throw AppError.notFound("response \(id)") }
        let student = try await registry.visibleUser(m.studentID, to: p, requestID: requestID)
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "assessment.written.read", targetType: "response",
                                          targetID: id.uuidString, purpose: purpose, requestID: requestID))
        return try written(r, student: student.id, name: student.displayName)
    }

    /// Records the teacher's score for a written answer — 0 to the rubric's maximum; a second score
    /// replaces the first — and, when the attempt is finished, rescores its result with it. Only the
    /// student's teachers and school admins may score; an AI suggestion is never recorded here.
    public func score(responseID: UUID, points: Int, by p: Principal, requestID: String?) async throws -> WrittenResponse {
        try p.require(.teacher, .schoolAdmin, to: "score written answers")
        guard let r = try await ResponseModel.find(responseID, on: database.db),
              let m = try await AttemptModel.find(r.attemptID, on: database.db) else { throw AppError.notFound("response \(responseID)") }
        let student = try await registry.visibleUser(m.studentID, to: p, requestID: requestID)
        guard let item = items.bank.item(id: r.itemID) else { throw AppError.conflict("item \(r.itemID) is no longer in the item bank") }
        switch item.teacherScore(points: points) {
        case .invalid(let reason): throw AppError.validation(reason, field: "points")
        case .scored(let given, _, let correct):
            r.points = given
            r.correct = correct
        case .pendingTeacherScore: throw AppError.validation("\(item.id) needs a score", field: "points")
        }
        r.scoredBy = p.userID
        r.scoredAt = now()
        let finished = m.status == AttemptStatus.finished.rawValue
        if finished {
            var responses = try await ResponseModel.query(on: database.db).filter(\.$attemptID == m.id!).sort(\.$seq).all()
            responses = responses.map { $0.id == r.id ? r : $0 }
            try finishAttempt(m, result: try formResult(m, responses: responses, finishedAt: m.finishedAt ?? now()))
            m.rescoredAt = r.scoredAt
        }
        try await database.db.transaction { db in
            if finished { try await countRescored(m, on: db) }
            try await r.update(on: db)
            try await m.update(on: db)
        }
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "assessment.written.score", targetType: "response",
                                          targetID: responseID.uuidString, purpose: "scoring", requestID: requestID,
                                          detail: "\(item.id): \(points)/\(item.rubric?.maxPoints ?? 0)"))
        return try written(r, student: student.id, name: student.displayName)
    }

    private func written(_ r: ResponseModel, student: UUID, name: String) throws -> WrittenResponse {
        guard let item = items.bank.item(id: r.itemID), item.rubric != nil else { throw AppError.validation("item \(r.itemID) is scored by its key, not by a teacher", field: "responseId") }
        let text: String
        if case .text(let t) = try JSONDecoder().decode(ItemAnswer.self, from: Data(r.answer.utf8)) { text = t } else { text = "" }
        return WrittenResponse(id: r.id!, attemptID: r.attemptID, studentID: student, studentName: name, item: item, text: text,
                               answeredAt: r.answeredAt, points: r.scoredBy == nil ? nil : r.points, scoredBy: r.scoredBy, scoredAt: r.scoredAt)
    }
}
