import FluentKit
import Foundation
import Persistence
import QianxueCore
import Registry

extension CompanionService {
    /// Opens class mode for a class the caller teaches, for `minutes` from now (a new window replaces an open one).
    public func openClassMode(classID: UUID, minutes: Int, by p: Principal) async throws -> (until: Date, openedBy: UUID) {
        try p.require(.teacher, .schoolAdmin, .admin, to: "open class mode")
        _ = try await registry.classTaught(classID, by: p)
        guard (1...240).contains(minutes) else { throw AppError.validation("minutes must be between 1 and 240", field: "minutes") }
        let start = now()
        try await closeClassMode(classID: classID, at: start)
        let m = ClassModeModel()
        m.classID = classID
        m.openedBy = p.userID
        m.openedAt = start
        m.until = start.addingTimeInterval(Double(minutes) * 60)
        try await m.create(on: database.db)
        return (m.until, p.userID)
    }

    /// Closes the class's open class-mode window now.
    public func closeClassMode(classID: UUID, by p: Principal) async throws {
        try p.require(.teacher, .schoolAdmin, .admin, to: "close class mode")
        _ = try await registry.classTaught(classID, by: p)
        try await closeClassMode(classID: classID, at: now())
    }

    private func closeClassMode(classID: UUID, at instant: Date) async throws {
        try await ClassModeModel.query(on: database.db).filter(\.$classID == classID).filter(\.$until > instant)
            .set(\.$until, to: instant).update()
    }

    /// Locks the companion for a class (its teachers, school admins) or a school (its admins) from `from` until `until`.
    public func addExamWindow(_ scope: ExamWindowRecord.Scope, target: UUID, from: Date, until: Date, by p: Principal) async throws -> ExamWindowRecord {
        switch scope {
        case .class:
            try p.require(.teacher, .schoolAdmin, .admin, to: "set exam mode for a class")
            _ = try await registry.classTaught(target, by: p)
        case .school:
            try p.require(.schoolAdmin, .admin, to: "set exam mode for a school")
            guard p.role == .admin || p.schoolID == target, try await registry.school(target) != nil else {
                throw AppError.notFound("school \(target)")
            }
        }
        guard until > from else { throw AppError.validation("until must be after from", field: "until") }
        guard until > now() else { throw AppError.validation("the window has already ended", field: "until") }
        guard until.timeIntervalSince(from) <= 14 * 86_400 else {
            throw AppError.validation("an exam window lasts at most 14 days", field: "until")
        }
        let m = ExamWindowModel()
        m.scope = scope.rawValue
        m.targetID = target
        m.startsAt = from
        m.until = until
        m.createdBy = p.userID
        m.createdAt = now()
        try await m.create(on: database.db)
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "companion.exam-mode",
                                          targetType: scope.rawValue, targetID: target.uuidString, detail: "\(from)–\(until)"))
        return ExamWindowRecord(m)
    }

    /// Records a guardian's consent for a student of the caller's school (school admins, admins).
    public func recordConsent(student id: UUID, note: String?, by p: Principal, requestID: String?) async throws -> ConsentEntry {
        try p.require(.schoolAdmin, .admin, to: "record guardian consent")
        let student = try await studentInCare(id, of: p)
        if let note, note.count > 500 { throw AppError.validation("note is at most 500 characters", field: "note") }
        if let current = try await consent(of: student.id) { return current }
        let m = ConsentModel()
        m.studentID = student.id
        m.recordedBy = p.userID
        m.recordedAt = now()
        m.note = note
        try await database.db.transaction { db in
            try await m.create(on: db)
            try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "consent.record", targetType: "user",
                                              targetID: student.id.uuidString, requestID: requestID), on: db)
        }
        return ConsentEntry(studentID: student.id, recordedAt: m.recordedAt, recordedBy: p.userID, note: note)
    }

    /// Withdraws it: from this moment the student's text is no longer processed.
    public func withdrawConsent(student id: UUID, by p: Principal, requestID: String?) async throws {
        try p.require(.schoolAdmin, .admin, to: "withdraw guardian consent")
        let student = try await studentInCare(id, of: p)
        let instant = now()
        try await database.db.transaction { db in
            try await ConsentModel.query(on: db).filter(\.$studentID == student.id).filter(\.$withdrawnAt == nil)
                .set(\.$withdrawnAt, to: instant).set(\.$withdrawnBy, to: p.userID).update()
            try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "consent.withdraw", targetType: "user",
                                              targetID: student.id.uuidString, requestID: requestID), on: db)
        }
    }

    /// The student's consent in force, if any.
    public func consent(of student: UUID) async throws -> ConsentEntry? {
        guard let m = try await ConsentModel.query(on: database.db).filter(\.$studentID == student).filter(\.$withdrawnAt == nil)
            .sort(\.$recordedAt, .descending).first() else { return nil }
        return ConsentEntry(studentID: m.studentID, recordedAt: m.recordedAt, recordedBy: m.recordedBy, note: m.note)
    }

    /// A school's overrides of the province's rules.
    public func schoolRules(_ school: UUID) async throws -> SchoolCompanionRules {
        guard let m = try await SchoolRulesModel.find(school, on: database.db) else { return .none }
        return (try? JSONDecoder().decode(SchoolCompanionRules.self, from: Data(m.rules.utf8))) ?? .none
    }

    /// A school's rules as its staff see them (its staff, admins).
    public func schoolRules(_ school: UUID, for p: Principal) async throws -> SchoolCompanionRules {
        try p.require(.teacher, .schoolAdmin, .admin, to: "read the school's companion rules")
        guard p.role == .admin || p.schoolID == school, try await registry.school(school) != nil else { throw AppError.notFound("school \(school)") }
        return try await schoolRules(school)
    }

    /// Sets a school's overrides (its school admins, admins); they may only tighten the province's rules.
    public func setSchoolRules(_ school: UUID, _ rules: SchoolCompanionRules, by p: Principal) async throws -> SchoolCompanionRules {
        try p.require(.schoolAdmin, .admin, to: "set the school's companion rules")
        guard p.role == .admin || p.schoolID == school, try await registry.school(school) != nil else { throw AppError.notFound("school \(school)") }
        try rules.validate(against: policy)
        let m = try await SchoolRulesModel.find(school, on: database.db) ?? SchoolRulesModel()
        m.id = school
        m.rules = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self)
        m.updatedBy = p.userID
        m.updatedAt = now()
        try await m.save(on: database.db)
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "companion.rules", targetType: "school",
                                          targetID: school.uuidString, detail: m.rules))
        return rules
    }
}
