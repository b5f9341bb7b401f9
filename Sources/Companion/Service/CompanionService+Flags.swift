import FluentKit
import Foundation
import Inference
import Persistence
import QianxueCore
import Registry
import SQLKit

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
            try await database.db.transaction { db in
                try await m.create(on: db)
                try await Rollups().addUsage(school: school, day: PlatformCalendar.day(of: m.createdAt),
                                             UsageCounts(flags: 1, severeFlags: f.severity == .high ? 1 : 0), on: db as! any SQLDatabase)
            }
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
            let instant = now()
            let first = try await database.db.transaction { db in
                guard try await self.acknowledgeFirst(m, at: instant, by: p.userID, on: db) else { return false }
                m.status = StudentFlagRecord.Status.acknowledged.rawValue
                try await m.update(on: db)
                return true
            }
            // Someone else acknowledged it meanwhile: theirs stands.
            guard first else { return StudentFlagRecord(try await flagInCare(id, of: p)) }
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
        try await database.db.transaction { db in
            // Resolving a flag nobody acknowledged acknowledges it too.
            if m.acknowledgedAt == nil { _ = try await self.acknowledgeFirst(m, at: instant, by: p.userID, on: db) }
            m.status = StudentFlagRecord.Status.resolved.rawValue
            m.resolvedAt = instant
            m.resolvedBy = p.userID
            m.resolutionNote = text
            try await m.update(on: db)
        }
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "safety-flag.resolve", targetType: "safety-flag",
                                          targetID: id.uuidString, requestID: requestID))
        return StudentFlagRecord(m)
    }

    /// Records the flag's first acknowledgement, and counts it with the seconds it took on the
    /// school's rollup for the day the flag was raised; false when it was acknowledged already.
    private func acknowledgeFirst(_ m: FlagModel, at instant: Date, by user: UUID, on db: any Database) async throws -> Bool {
        let sql = db as! any SQLDatabase
        let claimed = try await sql.update(FlagModel.schema).set("acknowledged_at", to: instant).set("acknowledged_by", to: user)
            .where("id", .equal, m.id!).where("acknowledged_at", .is, SQLLiteral.null).returning("id").all()
        guard !claimed.isEmpty else { return false }
        m.acknowledgedAt = instant
        m.acknowledgedBy = user
        try await Rollups().addUsage(school: m.schoolID, day: PlatformCalendar.day(of: m.createdAt),
                                     UsageCounts(flagsAcknowledged: 1, ackSeconds: Self.secondsToAcknowledge(m.createdAt, instant)), on: sql)
        return true
    }

    /// Whole seconds from raising a flag to its acknowledgement, as the rollup adds them up.
    static func secondsToAcknowledge(_ created: Date, _ acknowledged: Date) -> Int {
        Int(acknowledged.timeIntervalSince(created).rounded())
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
