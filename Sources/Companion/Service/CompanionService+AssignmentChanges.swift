import FluentKit
import Foundation
import QianxueCore

/// A teacher's change to an assignment; nil fields stay as they are.
public struct AssignmentChanges: Sendable {
    public var companionMode: CompanionMode?
    public var dueAt: Date?
    public var note: String?
    /// A published quiz (checked by the teacher assistant before it gets here).
    public var quizID: UUID?

    public init(companionMode: CompanionMode? = nil, dueAt: Date? = nil, note: String? = nil, quizID: UUID? = nil) {
        self.companionMode = companionMode; self.dueAt = dueAt; self.note = note; self.quizID = quizID
    }
}

extension CompanionService {
    /// An assignment of a class the caller teaches or runs (404 for anyone else).
    public func assignment(_ id: UUID, for p: Principal) async throws -> AssignmentRecord {
        guard let m = try await AssignmentModel.find(id, on: database.db) else { throw AppError.notFound("assignment \(id)") }
        do {
            _ = try await registry.classTaught(m.classID, by: p)
        } catch {
            throw AppError.notFound("assignment \(id)")
        }
        return AssignmentRecord(m)
    }

    /// An assignment of one of the student's classes that has not been withdrawn (404 otherwise).
    public func assignmentOfStudent(_ id: UUID, _ p: Principal) async throws -> AssignmentRecord {
        try p.require(.student, to: "answer an assignment's quiz")
        guard let m = try await AssignmentModel.find(id, on: database.db), m.withdrawnAt == nil,
              try await registry.classIDs(of: p.userID).contains(m.classID) else { throw AppError.notFound("assignment \(id)") }
        return AssignmentRecord(m)
    }

    /// Changes an assignment of a class the caller teaches; a withdrawn one is final.
    public func editAssignment(_ id: UUID, _ c: AssignmentChanges, by p: Principal) async throws -> AssignmentRecord {
        try p.require(.teacher, .schoolAdmin, .admin, to: "change assignments")
        let current = try await assignment(id, for: p)
        guard current.withdrawnAt == nil else { throw AppError.conflict("assignment \(id) was withdrawn; assign the lesson again") }
        guard c.companionMode != nil || c.dueAt != nil || c.note != nil || c.quizID != nil else {
            throw AppError.validation("send companionMode, dueAt, note or quizId to change", field: "dueAt")
        }
        if let due = c.dueAt, due <= current.opensAt { throw AppError.validation("dueAt must be after opensAt (\(current.opensAt))", field: "dueAt") }
        if let note = c.note, note.count > 2_000 { throw AppError.validation("note is at most 2,000 characters", field: "note") }
        guard let m = try await AssignmentModel.find(id, on: database.db) else { throw AppError.notFound("assignment \(id)") }
        if let mode = c.companionMode { m.companionMode = mode.rawValue }
        if let due = c.dueAt { m.dueAt = due }
        if let note = c.note { m.note = note.isEmpty ? nil : note }
        if let quiz = c.quizID { m.quizID = quiz }
        try await m.update(on: database.db)
        return AssignmentRecord(m)
    }

    /// Withdraws an assignment: students no longer see it or open sessions in it; what was done stays.
    public func withdrawAssignment(_ id: UUID, by p: Principal) async throws -> AssignmentRecord {
        try p.require(.teacher, .schoolAdmin, .admin, to: "withdraw assignments")
        _ = try await assignment(id, for: p)
        guard let m = try await AssignmentModel.find(id, on: database.db) else { throw AppError.notFound("assignment \(id)") }
        if m.withdrawnAt == nil {
            m.withdrawnAt = now().wholeMilliseconds
            try await m.update(on: database.db)
            try await SessionModel.query(on: database.db).filter(\.$assignmentID == id).filter(\.$status == SessionRecord.Status.open.rawValue)
                .set(\.$status, to: SessionRecord.Status.closed.rawValue).set(\.$closedAt, to: now()).update()
        }
        return AssignmentRecord(m)
    }
}
