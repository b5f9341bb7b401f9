import Curriculum
import FluentKit
import Foundation
import Persistence
import QianxueCore
import Registry
import SQLKit

extension CompanionService {
    /// A session just opened, with what the student is told first and what a guided session offers.
    public struct OpenedSession: Sendable {
        public let session: SessionRecord
        public let lessonTitle: String
        public let notice: MessageRecord
        public let guidedActivities: [String]
        public let minutesLeftToday: Int
    }

    /// Opens a session for an assignment of one of the student's classes, or for free study on a lesson.
    public func openSession(assignmentID: UUID?, lessonSlug: String?, by p: Principal) async throws -> OpenedSession {
        try p.require(.student, to: "talk to the learning companion")
        guard let student = try await registry.user(p.userID), let school = student.schoolID else {
            throw AppError.forbidden("this student account has no school")
        }
        let instant = now()
        var assignment: AssignmentRecord?
        let slug: String
        if let assignmentID {
            guard let m = try await AssignmentModel.find(assignmentID, on: database.db),
                  try await registry.classIDs(of: student.id).contains(m.classID) else { throw AppError.notFound("assignment \(assignmentID)") }
            let a = AssignmentRecord(m)
            guard a.withdrawnAt == nil else { throw AppError.conflict("your teacher withdrew this assignment") }
            guard a.opensAt <= instant else { throw AppError.conflict("this assignment opens at \(a.opensAt)") }
            if let lessonSlug, lessonSlug != a.lessonSlug {
                throw AppError.validation("the assignment is on lesson '\(a.lessonSlug)', not '\(lessonSlug)'", field: "lessonSlug")
            }
            assignment = a
            slug = a.lessonSlug
        } else if let lessonSlug {
            slug = lessonSlug
        } else {
            throw AppError.validation("give an assignmentId or a lessonSlug", field: "assignmentId")
        }
        let lesson = try lesson(slug, field: "lessonSlug")
        let grant = try await grant(for: student, assignment: assignment, at: instant)
        let m = SessionModel()
        m.studentID = student.id
        m.schoolID = school
        m.assignmentID = assignment?.id
        m.lessonSlug = slug
        m.mode = grant.mode.rawValue
        m.modeReason = grant.reason.isEmpty ? nil : grant.reason
        m.status = SessionRecord.Status.open.rawValue
        m.createdAt = instant.wholeMilliseconds
        let notice = MessageModel()
        try await database.db.transaction { db in
            try await m.create(on: db)
            notice.sessionID = m.id!
            notice.seq = 1
            notice.role = MessageRecord.Role.notice.rawValue
            notice.content = CompanionPrompt.notice(lesson: lesson, grant: grant)
            notice.aiGenerated = false
            notice.createdAt = instant
            try await notice.create(on: db)
            try await Rollups().addUsage(school: school, day: PlatformCalendar.day(of: m.createdAt), UsageCounts(companionSessions: 1),
                                         on: db as! any SQLDatabase)
        }
        return OpenedSession(session: SessionRecord(m), lessonTitle: lesson.title, notice: MessageRecord(notice),
                             guidedActivities: lesson.activities.map(\.title), minutesLeftToday: grant.minutesLeft)
    }

    /// The student's own sessions, newest first.
    public func sessions(of p: Principal, page: PageQuery) async throws -> ListPage<SessionRecord> {
        try p.require(.student, to: "list your companion sessions")
        return try await sessionPage(SessionModel.query(on: database.db).filter(\.$studentID == p.userID), page: page)
    }

    /// The sessions of a class's students (its teachers, school admins), newest first; audited.
    public func classSessions(classID: UUID, for p: Principal, page: PageQuery, requestID: String?) async throws -> ListPage<SessionRecord> {
        let cls = try await registry.classTaught(classID, by: p)
        let students = try await registry.members(ofClasses: [cls.id], role: .student)
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "companion.sessions.list", targetType: "class",
                                          targetID: cls.id.uuidString, purpose: "teacher oversight", requestID: requestID))
        guard !students.isEmpty else { return ListPage(items: [], nextPageToken: nil) }
        return try await sessionPage(SessionModel.query(on: database.db).filter(\.$studentID ~~ Array(students)), page: page)
    }

    private func sessionPage(_ query: QueryBuilder<SessionModel>, page: PageQuery) async throws -> ListPage<SessionRecord> {
        try await query.newestFirstPage(createdAt: \.$createdAt, page: page, record: SessionRecord.init) { TimeCursor(date: $0.createdAt, id: $0.id) }
    }

    /// A session the caller may read: the student's own; staff in their care read it with a reason, audited.
    public func session(_ id: UUID, for p: Principal, reason: String? = nil, requestID: String? = nil) async throws -> SessionRecord {
        guard let m = try await SessionModel.find(id, on: database.db) else { throw AppError.notFound("session \(id)") }
        if m.studentID == p.userID { return SessionRecord(m) }
        guard p.role.isStaff else { throw AppError.notFound("session \(id)") }
        do {
            _ = try await studentInCare(m.studentID, of: p)
        } catch {
            throw AppError.notFound("session \(id)")
        }
        guard let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty else {
            throw AppError.validation("say why you read this student's conversation (reason); it is recorded", field: "reason")
        }
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "companion.session.read", targetType: "session",
                                          targetID: id.uuidString, purpose: String(reason.prefix(200)), requestID: requestID))
        return SessionRecord(m)
    }

    /// A session's messages, oldest first.
    public func messages(of session: SessionRecord, page: PageQuery) async throws -> ListPage<MessageRecord> {
        var q = MessageModel.query(on: database.db).filter(\.$sessionID == session.id)
        if let after = page.after.flatMap(Int.init) { q = q.filter(\.$seq > after) }
        let rows = try await q.sort(\.$seq).limit(page.size + 1).all()
        let items = rows.prefix(page.size).map(MessageRecord.init)
        let next = rows.count > page.size ? items.last.map { PageQuery.token(after: String($0.seq)) } : nil
        return ListPage(items: Array(items), nextPageToken: next)
    }

    /// Closes one of the student's sessions; its history stays.
    public func closeSession(_ id: UUID, by p: Principal) async throws -> SessionRecord {
        guard let m = try await SessionModel.find(id, on: database.db), m.studentID == p.userID else { throw AppError.notFound("session \(id)") }
        if m.status == SessionRecord.Status.open.rawValue {
            m.status = SessionRecord.Status.closed.rawValue
            m.closedAt = now()
            try await m.update(on: database.db)
        }
        return SessionRecord(m)
    }

    /// The title of a session's lesson (the slug when the lesson has gone).
    public func lessonTitle(_ slug: String) -> String {
        (try? curriculum.lesson(slug, for: .student).title) ?? slug
    }
}
