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
        async let inAssessment = attemptsInProgress(student.id)
        let inputs = try await policyInputs(student: student.id, at: instant)
        return try grant(for: student, inputs: inputs, assignmentMode: assignment?.companionMode,
                         assessmentInProgress: try await inAssessment, at: instant)
    }

    /// The same, with the policy's inputs and the assessment state already read.
    func grant(for student: UserRecord, inputs: PolicyInputs, assignmentMode: CompanionMode?, assessmentInProgress: Bool,
               at instant: Date) throws -> PolicyGrant {
        guard student.schoolID != nil else { throw AppError.forbidden("this student account has no school") }
        let minute = UsageMeter.minuteOfDay(instant)
        let context = PolicyContext(
            band: student.grade?.band ?? .primaryLower,
            age: PolicyContext.age(birthDate: student.birthDate, at: instant),
            now: instant,
            examLockedUntil: inputs.examLockedUntil,
            assessmentInProgress: assessmentInProgress,
            hasGuardianConsent: inputs.hasConsent,
            activeMinutesToday: inputs.meter?.activeMinutes ?? 0,
            continuousMinutes: inputs.meter?.continuousMinutes(at: minute) ?? 0,
            classModeUntil: inputs.classModeUntil,
            assignmentMode: assignmentMode,
            school: inputs.rules)
        switch policy.decide(context) {
        case .success(let grant): return grant
        case .failure(let refusal): throw refusal.problem(now: instant)
        }
    }

    /// What the policy reads from the companion's own tables.
    struct PolicyInputs: Sendable {
        /// The end of an exam window covering now for the student's classes or school.
        let examLockedUntil: Date?
        /// The end of a class-mode window open now for any of the classes.
        let classModeUntil: Date?
        /// A guardian consent is in force.
        let hasConsent: Bool
        let rules: SchoolCompanionRules
        /// The student's meter of the day (nil before their first message of the day).
        let meter: UsageMeter?
    }

    /// The policy's inputs in one query, which reads the student's classes and school itself, so
    /// that it needs nothing read before it (a turn runs it beside its other reads). Nothing is
    /// cached: a consent withdrawn, an exam window set or class mode closed on any instance holds
    /// for the very next turn.
    func policyInputs(student: UUID, at instant: Date) async throws -> PolicyInputs {
        let classes = RegistryService.classIDsQuery(of: student)
        let school = RegistryService.schoolIDQuery(of: student)
        let row = try await database.sql.raw("""
            SELECT (SELECT MAX("until") FROM \(ident: ExamWindowModel.schema)
                    WHERE target_id IN (\(classes) UNION ALL \(school)) AND starts_at <= \(bind: instant) AND "until" > \(bind: instant)) AS exam_until,
                   (SELECT MAX("until") FROM \(ident: ClassModeModel.schema) WHERE class_id IN (\(classes))
                    AND opened_at <= \(bind: instant) AND "until" > \(bind: instant)) AS class_mode_until,
                   (SELECT COUNT(*) FROM \(ident: ConsentModel.schema) WHERE student_id = \(bind: student) AND withdrawn_at IS NULL) AS consents,
                   (SELECT rules FROM \(ident: SchoolRulesModel.schema) WHERE school_id = (\(school))) AS rules,
                   u.active_minutes, u.last_minute, u.run_start_minute
            FROM (SELECT 1 AS one) AS one
            LEFT JOIN \(ident: UsageModel.schema) u ON u.student_id = \(bind: student) AND u.day = \(bind: PlatformCalendar.day(of: instant))
            """).first()
        guard let row else { throw AppError(.internal, "the policy's query answered no row") }
        let rules = try row.decode(column: "rules", as: String?.self)
        var meter: UsageMeter?
        if let active = try row.decode(column: "active_minutes", as: Int?.self) {
            meter = UsageMeter(activeMinutes: active, lastMinute: try row.decode(column: "last_minute", as: Int.self),
                               runStartMinute: try row.decode(column: "run_start_minute", as: Int.self))
        }
        return PolicyInputs(
            examLockedUntil: try row.decode(column: "exam_until", as: Date?.self),
            classModeUntil: try row.decode(column: "class_mode_until", as: Date?.self),
            hasConsent: try row.decode(column: "consents", as: Int.self) > 0,
            rules: rules.flatMap { try? JSONDecoder().decode(SchoolCompanionRules.self, from: Data($0.utf8)) } ?? .none,
            meter: meter)
    }
}
