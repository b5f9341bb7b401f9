import FluentKit
import Foundation
import Persistence
import QianxueCore
import Registry
import SQLKit

extension CompanionService {
    /// What the age rules allow a student now, for an assignment or free study; a refusal is
    /// thrown as the problem the API answers (423, 403, 429).
    func grant(for student: UserRecord, assignment: AssignmentRecord?, at instant: Date) async throws -> PolicyGrant {
        try await grant(for: student, classes: try await registry.classIDs(of: student.id), assignment: assignment, at: instant).grant
    }

    /// The same, with the student's classes already read; also gives the meter it read.
    func grant(for student: UserRecord, classes: Set<UUID>, assignment: AssignmentRecord?,
               at instant: Date) async throws -> (grant: PolicyGrant, meter: UsageMeter?) {
        guard let school = student.schoolID else { throw AppError.forbidden("this student account has no school") }
        let meter = try await usage(of: student.id, day: PlatformCalendar.day(of: instant))
        let minute = UsageMeter.minuteOfDay(instant)
        let context = PolicyContext(
            band: student.grade?.band ?? .primaryLower,
            age: PolicyContext.age(birthDate: student.birthDate, at: instant),
            now: instant,
            examLockedUntil: try await examLockedUntil(classes: classes, school: school, at: instant),
            assessmentInProgress: try await attemptsInProgress(student.id),
            hasGuardianConsent: try await consent(of: student.id) != nil,
            activeMinutesToday: meter?.activeMinutes ?? 0,
            continuousMinutes: meter?.continuousMinutes(at: minute) ?? 0,
            classModeUntil: try await classModeUntil(classes, at: instant),
            assignmentMode: assignment?.companionMode,
            school: try await schoolRules(school))
        switch policy.decide(context) {
        case .success(let grant): return (grant, meter)
        case .failure(let refusal): throw refusal.problem(now: instant)
        }
    }

    /// The student's active-minute meter of a day.
    func usage(of student: UUID, day: String) async throws -> UsageMeter? {
        guard let m = try await UsageModel.query(on: database.db).filter(\.$studentID == student).filter(\.$day == day).first() else { return nil }
        return UsageMeter(activeMinutes: m.activeMinutes, lastMinute: m.lastMinute, runStartMinute: m.runStartMinute)
    }

    /// Counts a message of the student at `instant` on their meter, and the minutes it adds on the
    /// school's daily rollup (the session's school).
    func countMessage(of student: UUID, school: UUID, at instant: Date, on db: any Database) async throws -> UsageMeter {
        let day = PlatformCalendar.day(of: instant)
        let row = try await UsageModel.query(on: db).filter(\.$studentID == student).filter(\.$day == day).first()
        let before = row.map { UsageMeter(activeMinutes: $0.activeMinutes, lastMinute: $0.lastMinute, runStartMinute: $0.runStartMinute) }
        let after = UsageMeter.after(before, messageAt: UsageMeter.minuteOfDay(instant))
        let m = row ?? UsageModel()
        m.studentID = student
        m.day = day
        m.activeMinutes = after.activeMinutes
        m.lastMinute = after.lastMinute
        m.runStartMinute = after.runStartMinute
        try await m.save(on: db)
        try await Rollups().addUsage(school: school, day: day, UsageCounts(companionMinutes: after.activeMinutes - (before?.activeMinutes ?? 0)),
                                     on: db as! any SQLDatabase)
        return after
    }
}
