import FluentKit
import Foundation
import Inference
import Persistence
import QianxueCore
import Registry

extension CompanionService {
    /// Records the medium and severe flags of a message for the student's teachers; severe ones are
    /// escalated to the school admins at once (and to the alert webhook when one is set).
    func raise(_ flags: [SafetyFlag], student: UUID, school: UUID, session: UUID?, message: UUID?) async throws {
        var seen: Set<String> = []
        for f in flags where f.severity >= .medium && seen.insert(f.ruleID).inserted {
            let m = FlagModel()
            m.studentID = student
            m.schoolID = school
            m.sessionID = session
            m.messageID = message
            m.category = f.category.rawValue
            m.severity = f.severity.rawValue
            m.ruleID = f.ruleID
            m.status = StudentFlagRecord.Status.open.rawValue
            m.escalated = f.severity == .high
            m.createdAt = now().wholeMilliseconds
            m.alertAttempts = 0
            try await m.create(on: database.db)
            if m.escalated {
                logger.warning("severe safety flag escalated to the school's admins",
                               metadata: ["flag": "\(m.id!)", "school": "\(school)", "category": "\(f.category)", "rule": "\(f.ruleID)"])
                alerts?.enqueue(StudentFlagRecord(m))
            }
        }
    }

    /// The flags of the caller's students (teachers: their classes; school admins: their school; admins: all), newest first.
    public func flags(for p: Principal, status: StudentFlagRecord.Status?, page: PageQuery) async throws -> ListPage<StudentFlagRecord> {
        try p.require(.teacher, .schoolAdmin, .admin, to: "read safety flags")
        var q = FlagModel.query(on: database.db)
        switch try await registry.scope(of: p) {
        case .everything: break
        case .school(let sid): q = q.filter(\.$schoolID == sid)
        case .teacher(_, let classes):
            let students = try await registry.members(ofClasses: classes, role: .student)
            guard !students.isEmpty else { return ListPage(items: [], nextPageToken: nil) }
            q = q.filter(\.$studentID ~~ Array(students))
        default: throw AppError.forbidden("safety flags are for the student's teachers and school admins")
        }
        if let status { q = q.filter(\.$status == status.rawValue) }
        return try await q.newestFirstPage(createdAt: \.$createdAt, page: page, record: StudentFlagRecord.init) {
            TimeCursor(date: $0.createdAt, id: $0.id)
        }
    }

    /// Acknowledges a flag of a student in the caller's care; the time to acknowledge is kept.
    public func acknowledgeFlag(_ id: UUID, by p: Principal, requestID: String?) async throws -> StudentFlagRecord {
        let m = try await flagInCare(id, of: p)
        if m.status == StudentFlagRecord.Status.open.rawValue {
            m.status = StudentFlagRecord.Status.acknowledged.rawValue
            m.acknowledgedAt = now()
            m.acknowledgedBy = p.userID
            try await m.update(on: database.db)
            try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "safety-flag.acknowledge", targetType: "safety-flag",
                                              targetID: id.uuidString, requestID: requestID))
        }
        return StudentFlagRecord(m)
    }

    /// Resolves a flag with a note of what was done.
    public func resolveFlag(_ id: UUID, note: String, by p: Principal, requestID: String?) async throws -> StudentFlagRecord {
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 2_000 else { throw AppError.validation("note is 1 to 2,000 characters", field: "note") }
        let m = try await flagInCare(id, of: p)
        let instant = now()
        if m.acknowledgedAt == nil {
            m.acknowledgedAt = instant
            m.acknowledgedBy = p.userID
        }
        m.status = StudentFlagRecord.Status.resolved.rawValue
        m.resolvedAt = instant
        m.resolvedBy = p.userID
        m.resolutionNote = text
        try await m.update(on: database.db)
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "safety-flag.resolve", targetType: "safety-flag",
                                          targetID: id.uuidString, requestID: requestID))
        return StudentFlagRecord(m)
    }

    private func flagInCare(_ id: UUID, of p: Principal) async throws -> FlagModel {
        try p.require(.teacher, .schoolAdmin, .admin, to: "handle safety flags")
        guard let m = try await FlagModel.find(id, on: database.db) else { throw AppError.notFound("safety flag \(id)") }
        do {
            _ = try await studentInCare(m.studentID, of: p)
        } catch {
            throw AppError.notFound("safety flag \(id)")
        }
        return m
    }
}
