import Curriculum
import FluentKit
import Foundation
import Persistence
import QianxueCore
import Registry

/// A student's AI-literacy record for the comprehensive quality evaluation (综合素质评价): every
/// attempt, the level per dimension over time, and the lessons done.
public struct LiteracyRecord: Sendable {
    /// One attempt, finished or not.
    public struct Attempt: Sendable {
        public let id: UUID
        public let kind: AttemptKind
        public let form: TestForm?
        public let status: AttemptStatus
        public let startedAt: Date
        public let answered: Int
        /// The result, once finished.
        public let result: LiteracyResult?
    }

    /// A lesson done, with the cells its objectives name.
    public struct Lesson: Sendable {
        public let slug: String
        public let title: String
        public let competencies: [String]
        public let lastAt: Date
    }

    public let studentID: UUID
    public let name: String
    public let grade: String?
    public let band: GradeBand
    public let schoolName: String?
    /// Oldest first, so that the levels read as a course over time.
    public let attempts: [Attempt]
    public let lessons: [Lesson]
    public let generatedAt: Date

    /// Finished results, oldest first.
    public var results: [LiteracyResult] { attempts.compactMap(\.result) }
}

extension AssessmentService {
    /// The record of one student: the student, their teachers and their school's admins (staff reads
    /// are audited); anyone else is answered 404.
    public func literacyRecord(of studentID: UUID, for p: Principal, requestID: String?) async throws -> LiteracyRecord {
        let student = try await registry.visibleUser(studentID, to: p, requestID: requestID)
        guard student.role == .student, p.role != .bureau else { throw AppError.notFound("student \(studentID)") }
        let rows = try await AttemptModel.query(on: database.db).filter(\.$studentID == student.id).sort(\.$startedAt).all()
        let attempts = try rows.map { m in
            LiteracyRecord.Attempt(id: m.id!, kind: AttemptKind(rawValue: m.kind) ?? .adaptive, form: m.formID.flatMap(items.form(id:)),
                                   status: AttemptStatus(rawValue: m.status) ?? .finished, startedAt: m.startedAt, answered: m.answered,
                                   result: try m.result.map { try Self.decoder.decode(LiteracyResult.self, from: Data($0.utf8)) })
        }
        let titles = Dictionary(uniqueKeysWithValues: lessons.map { ($0.slug, $0) })
        let done = try await lessonsDone([student.id])[student.id] ?? []
        let lessonRows = done.sorted { $0.lastAt < $1.lastAt }.map { d in
            LiteracyRecord.Lesson(slug: d.slug, title: titles[d.slug]?.title ?? d.slug, competencies: titles[d.slug]?.competencies ?? [], lastAt: d.lastAt)
        }
        let school = try await student.schoolID.asyncMap { try await registry.school($0)?.name }
        if p.userID != student.id {
            try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "literacy.record.read", targetType: "user",
                                              targetID: student.id.uuidString, purpose: "comprehensive quality evaluation", requestID: requestID))
        }
        return LiteracyRecord(studentID: student.id, name: student.displayName, grade: student.grade?.rawValue,
                              band: student.grade?.band ?? .primaryLower, schoolName: school ?? nil, attempts: attempts, lessons: lessonRows,
                              generatedAt: now())
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
