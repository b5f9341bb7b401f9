import FluentKit
import Foundation
import Persistence
import QianxueCore
import Registry

/// A window in which a class sits the test, with its participation.
public struct AssessmentWindowRecord: Sendable, Hashable {
    public let id: UUID
    public let classID: UUID
    public let kind: AttemptKind
    public let formID: String?
    public let from: Date
    public let until: Date
    /// Students of the class now.
    public let enrolled: Int
    /// Of them, those who finished an attempt of the window's kind (and form) inside it.
    public let finished: Int
    /// finished ÷ enrolled; 0 for a class without students. The denominator reports need.
    public var participation: Double { enrolled == 0 ? 0 : Double(finished) / Double(enrolled) }
}

extension AssessmentService {
    /// Opens a window for a class the caller teaches or administers.
    public func openWindow(classID: UUID, kind: AttemptKind, formID: String?, from: Date, until: Date, by p: Principal) async throws -> AssessmentWindowRecord {
        try p.require(.teacher, .schoolAdmin, .admin, to: "open assessment windows")
        let cls = try await registry.classTaught(classID, by: p)
        guard until > from else { throw AppError.validation("until must be after from", field: "until") }
        guard until.timeIntervalSince(from) <= 60 * 86_400 else { throw AppError.validation("a window lasts at most 60 days", field: "until") }
        if kind == .form, formID?.isEmpty ?? true { throw AppError.validation("a form window names its formId", field: "formId") }
        if kind == .adaptive, formID != nil { throw AppError.validation("an adaptive window has no formId", field: "formId") }
        if kind == .form, let formID {
            guard let form = items.form(id: formID), form.isUsable else {
                throw AppError.validation("there is no published form \(formID); see GET /v1/assessment/forms", field: "formId")
            }
            guard form.band == cls.grade.band else {
                throw AppError.validation("form \(formID) is for the \(form.band.rawValue) band; this class is \(cls.grade.band.rawValue)", field: "formId")
            }
        }
        let m = WindowModel()
        m.classID = classID
        m.kind = kind.rawValue
        m.formID = formID
        m.startsAt = from
        m.until = until
        m.createdBy = p.userID
        m.createdAt = now()
        try await m.create(on: database.db)
        return try await record(m)
    }

    /// A class's windows, newest first, each with its participation.
    public func windows(classID: UUID, for p: Principal) async throws -> [AssessmentWindowRecord] {
        _ = try await registry.classTaught(classID, by: p)
        var out: [AssessmentWindowRecord] = []
        for m in try await WindowModel.query(on: database.db).filter(\.$classID == classID).sort(\.$startsAt, .descending).all() {
            out.append(try await record(m))
        }
        return out
    }

    private func record(_ m: WindowModel) async throws -> AssessmentWindowRecord {
        let students = try await registry.members(ofClasses: [m.classID], role: .student)
        var finished = 0
        if !students.isEmpty {
            var q = AttemptModel.query(on: database.db).filter(\.$studentID ~~ Array(students))
                .filter(\.$status == AttemptStatus.finished.rawValue).filter(\.$kind == m.kind)
                .filter(\.$finishedAt >= m.startsAt).filter(\.$finishedAt <= m.until)
            if let form = m.formID { q = q.filter(\.$formID == form) }
            finished = Set(try await q.all().map(\.studentID)).count
        }
        return AssessmentWindowRecord(id: m.id!, classID: m.classID, kind: AttemptKind(rawValue: m.kind) ?? .adaptive, formID: m.formID,
                                      from: m.startsAt, until: m.until, enrolled: students.count, finished: finished)
    }
}
