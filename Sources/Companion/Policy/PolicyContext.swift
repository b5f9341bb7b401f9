import Foundation
import QianxueCore

/// Everything the policy needs to decide one request of a student, gathered by the caller
/// (from the registry, the exam windows, the consent record, the usage ledger, the assignment).
public struct PolicyContext: Sendable {
    /// The student's band, from their grade.
    public var band: GradeBand
    /// Age in whole years (``PolicyContext/age(birthDate:at:)``); nil when there is no birth date.
    public var age: Int?
    /// The instant of the request.
    public var now: Date
    /// The end of an exam window (the class's or the school's) covering now.
    public var examLockedUntil: Date?
    /// The student has an assessment attempt in progress.
    public var assessmentInProgress: Bool
    /// When that attempt's lock ends, if known.
    public var assessmentLockedUntil: Date?
    /// A guardian consent is recorded for the student.
    public var hasGuardianConsent: Bool
    /// Active minutes used today in Asia/Shanghai (DESIGN.md §4: a minute counts when the student
    /// sent a message in it or in the 4 minutes before).
    public var activeMinutesToday: Int
    /// Minutes of continuous use up to now (a run ends after 5 quiet minutes).
    public var continuousMinutes: Int
    /// The end of a class-mode window a teacher opened for the student's class, open now.
    public var classModeUntil: Date?
    /// The assignment's `companionMode`; nil for free study on a lesson.
    public var assignmentMode: CompanionMode?
    /// The school's overrides.
    public var school: SchoolCompanionRules

    /// A context; everything but band and time defaults to the strictest reading of "unknown":
    /// no birth date and no consent (so a student under the consent age is refused), no lock,
    /// no use yet, no class mode, free study, the province rules.
    public init(band: GradeBand, age: Int? = nil, now: Date,
                examLockedUntil: Date? = nil,
                assessmentInProgress: Bool = false, assessmentLockedUntil: Date? = nil,
                hasGuardianConsent: Bool = false,
                activeMinutesToday: Int = 0, continuousMinutes: Int = 0,
                classModeUntil: Date? = nil,
                assignmentMode: CompanionMode? = nil,
                school: SchoolCompanionRules = .none) {
        self.band = band
        self.age = age
        self.now = now
        self.examLockedUntil = examLockedUntil
        self.assessmentInProgress = assessmentInProgress
        self.assessmentLockedUntil = assessmentLockedUntil
        self.hasGuardianConsent = hasGuardianConsent
        self.activeMinutesToday = activeMinutesToday
        self.continuousMinutes = continuousMinutes
        self.classModeUntil = classModeUntil
        self.assignmentMode = assignmentMode
        self.school = school
    }

    /// A class-mode window is open now.
    public var inClassMode: Bool {
        classModeUntil.map { $0 > now } ?? false
    }

    /// Age in whole years on `date` (in Asia/Shanghai) of someone born on `birthDate`
    /// (`YYYY-MM-DD`, as OneRoster's `birthDate`); nil when missing, malformed or in the future.
    /// A 29 February birthday comes round on 1 March in common years.
    public static func age(birthDate: String?, at date: Date) -> Int? {
        guard let birthDate, let born = PlatformCalendar.parseDay(birthDate),
              let by = born.year, let bm = born.month, let bd = born.day else { return nil }
        let today = PlatformCalendar.calendar.dateComponents([.year, .month, .day], from: date)
        guard let y = today.year, let m = today.month, let d = today.day else { return nil }
        let hadBirthday = (m, d) >= (bm, bd)
        let age = y - by - (hadBirthday ? 0 : 1)
        return age >= 0 ? age : nil
    }
}
