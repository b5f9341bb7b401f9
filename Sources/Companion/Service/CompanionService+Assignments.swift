import Curriculum
import FluentKit
import Foundation
import Persistence
import QianxueCore
import Registry

extension CompanionService {
    /// Assigns a published lesson to a class the caller teaches.
    public func createAssignment(_ new: NewAssignment, by p: Principal) async throws -> AssignmentRecord {
        try p.require(.teacher, .schoolAdmin, .admin, to: "assign lessons")
        let cls = try await registry.classTaught(new.classID, by: p)
        _ = try lesson(new.lessonSlug, field: "lessonSlug")
        let opens = new.opensAt ?? now()
        if let due = new.dueAt, due <= opens {
            throw AppError.validation("dueAt must be after opensAt", field: "dueAt")
        }
        if let note = new.note, note.count > 2_000 { throw AppError.validation("note is at most 2,000 characters", field: "note") }
        let m = AssignmentModel()
        m.classID = cls.id
        m.schoolID = cls.schoolID
        m.lessonSlug = new.lessonSlug
        m.companionMode = new.companionMode.rawValue
        m.opensAt = opens
        m.dueAt = new.dueAt
        m.note = new.note
        m.quizID = new.quizID
        m.createdBy = p.userID
        m.createdAt = now().wholeMilliseconds
        try await m.create(on: database.db)
        return AssignmentRecord(m)
    }

    /// A class's assignments, newest first (its teachers and school admins).
    public func assignments(classID: UUID, for p: Principal, page: PageQuery) async throws -> ListPage<AssignmentRecord> {
        _ = try await registry.classTaught(classID, by: p)
        return try await AssignmentModel.query(on: database.db).filter(\.$classID == classID)
            .newestFirstPage(createdAt: \.$createdAt, page: page, record: AssignmentRecord.init) { TimeCursor(date: $0.createdAt, id: $0.id) }
    }

    /// The student's assignments from all their classes that are open or upcoming (or due within
    /// the last 7 days), the soonest due first.
    public func myAssignments(_ p: Principal) async throws -> [AssignmentRecord] {
        try p.require(.student, to: "list your assignments")
        let classes = try await registry.classIDs(of: p.userID)
        guard !classes.isEmpty else { return [] }
        let rows = try await AssignmentModel.query(on: database.db).filter(\.$classID ~~ Array(classes)).all()
        let weekAgo = now().addingTimeInterval(-7 * 86_400)
        return rows.map(AssignmentRecord.init)
            .filter { ($0.dueAt ?? .distantFuture) >= weekAgo && $0.withdrawnAt == nil }
            .sorted { ($0.dueAt ?? .distantFuture, $0.createdAt) < ($1.dueAt ?? .distantFuture, $1.createdAt) }
    }

    /// A published lesson, or a validation problem naming the field.
    func lesson(_ slug: String, field: String) throws -> Lesson {
        do {
            return try curriculum.lesson(slug, for: .student)
        } catch {
            throw AppError.validation("there is no published lesson '\(slug)'", field: field)
        }
    }
}
