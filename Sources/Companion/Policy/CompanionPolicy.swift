import Foundation
import QianxueCore

/// The learning companion's age rules (MOE 2025 guideline; DESIGN.md §4, §7), decided in one place
/// for every request a student makes. The province's values are data (`Resources/policy/bands.yaml`);
/// a school's ``SchoolCompanionRules`` may only tighten them.
///
/// The rules apply in this order, the first refusal wins: exam lock or assessment in progress →
/// guardian consent → daily limit → band rule (class mode for primary) → the assignment's
/// `companionMode` → the school's overrides.
public struct CompanionPolicy: Sendable {
    /// Under this age a recorded guardian consent is required; no birth date counts as under it.
    public let consentAge: Int
    /// From this age the larger daily limit applies; no birth date counts as under it.
    public let ageThreshold: Int
    /// Daily active minutes under ``ageThreshold``.
    public let dailyMinutesUnder: Int
    /// Daily active minutes from ``ageThreshold``.
    public let dailyMinutesFrom: Int
    /// Continuous active minutes after which a grant carries a break reminder.
    public let breakReminderMinutes: Int
    /// The hint ladder on graded work, lowest rung first.
    public let hintLadder: [HintRung]
    let bands: [GradeBand: BandPolicy]

    /// The consent age of the shipped rules (14).
    public static var consentAge: Int { shipped.consentAge }

    /// The province's rules for `band`.
    public func rules(for band: GradeBand) -> BandPolicy {
        guard let rules = bands[band] else { preconditionFailure("the loader checks that every band is present") }
        return rules
    }

    /// The daily limit in active minutes for a student of `age` at a school: the province's value
    /// for the age (no birth date counts as under the threshold), lowered by the school's override.
    public func dailyLimit(age: Int?, school: SchoolCompanionRules) -> Int {
        let older = age.map { $0 >= ageThreshold } ?? false
        let province = older ? dailyMinutesFrom : dailyMinutesUnder
        let override = older ? school.dailyMinutesFrom16 : school.dailyMinutesUnder16
        guard let override, override > 0 else { return province }
        return min(province, override)
    }

    /// Continuous minutes before a break reminder at a school.
    public func breakReminderThreshold(school: SchoolCompanionRules) -> Int {
        guard let override = school.breakReminderMinutes, override > 0 else { return breakReminderMinutes }
        return min(breakReminderMinutes, override)
    }

    /// Whether a student of `age` (nil: no birth date) needs a recorded guardian consent.
    public func needsConsent(age: Int?) -> Bool {
        guard let age else { return true }
        return age < consentAge
    }

    /// Decides one request: a grant with the mode and style to answer in, or the refusal that
    /// comes first in the policy's order.
    public func decide(_ c: PolicyContext) -> Result<PolicyGrant, PolicyRefusal> {
        // 1. An exam window or an assessment attempt locks every band.
        if let lock = examLock(c) { return .failure(.examLocked(until: lock.until)) }
        // 2. Nothing of a young student's reaches the model without a guardian's consent.
        if needsConsent(age: c.age), !c.hasGuardianConsent { return .failure(.consentRequired) }
        // 3. The daily limit, by age, lowered by the school.
        let limit = dailyLimit(age: c.age, school: c.school)
        if c.activeMinutesToday >= limit {
            let wait = PlatformCalendar.secondsUntilNextDay(after: c.now)
            return .failure(.usageLimitReached(retryAfterSeconds: wait, limitMinutes: limit))
        }
        // 4. The band: primary pupils chat openly only in a teacher-opened class mode.
        let band = rules(for: c.band)
        var grant = PolicyGrant(mode: .open, style: band.replyStyle, hintsOnly: false,
                                minutesLeft: limit - max(0, c.activeMinutesToday), limitMinutes: limit)
        if !band.allowsOpenChat(inClassMode: c.inClassMode) {
            grant.guide(.band, c.inClassMode ? "本学段在课堂模式中也只用引导活动 (\(c.band.rawValue): no open chat, even in class mode)"
                                             : "开放聊天只在老师开启的课堂模式中 (\(c.band.rawValue): open chat only in class mode)")
        }
        // 5. The assignment may turn the companion off or keep it guided, never open it further;
        //    graded work gets hints only in every band.
        if let mode = c.assignmentMode {
            switch mode {
            case .off: return .failure(.companionOff(by: .assignment))
            case .guided: grant.guide(.assignment, "这项作业只用引导模式 (assignment: guided only)")
            case .open: break
            }
            grant.hintsOnly = band.hintsOnlyOnGradedWork
        }
        // 6. The school tightens last.
        if c.school.companionEnabled == false { return .failure(.companionOff(by: .school)) }
        if !c.inClassMode, c.school.openChatAlone?[c.band] == false {
            grant.guide(.school, "学校关闭了课外的开放聊天 (school: open chat alone is off for \(c.band.rawValue))")
        }
        grant.breakReminder = c.continuousMinutes >= breakReminderThreshold(school: c.school)
        return .success(grant)
    }

    /// An exam lock in force; its end is known only when every lock in force has one.
    struct ExamLock { let until: Date? }

    /// The lock in force now, if any.
    func examLock(_ c: PolicyContext) -> ExamLock? {
        var ends: [Date?] = []
        if let end = c.examLockedUntil, end > c.now { ends.append(end) }
        if c.assessmentInProgress { ends.append(c.assessmentLockedUntil.flatMap { $0 > c.now ? $0 : nil }) }
        guard !ends.isEmpty else { return nil }
        return ExamLock(until: ends.contains(nil) ? nil : ends.compactMap { $0 }.max())
    }
}

extension PolicyGrant {
    /// Makes the grant guided for `cause`; the first cause in the policy's order keeps the reason.
    mutating func guide(_ cause: GuidedBy, _ why: String) {
        guard mode == .open else { return }
        mode = .guided
        guidedBy = cause
        reason = why
    }
}
