import Foundation
import QianxueCore

/// How far the companion may go: an assignment's `companionMode`, and what a grant allows
/// (`guided` or `open`; a refusal stands for `off`).
public enum CompanionMode: String, Sendable, Codable, CaseIterable {
    /// The lesson's guided activities and hints; no open-ended chat.
    case guided
    /// Open-ended chat (still hints only on graded work).
    case open
    /// No companion.
    case off
}

/// The companion may answer, in this mode and style.
public struct PolicyGrant: Sendable, Equatable {
    /// Which rule made a grant guided rather than open.
    public enum GuidedBy: String, Sendable, Equatable {
        /// The band's rule (primary: open chat only in class mode).
        case band
        /// The assignment's `companionMode` is `guided`.
        case assignment
        /// The school turned open chat alone off for the band.
        case school
    }

    /// `.open` or `.guided`, never `.off` (that is a refusal).
    public var mode: CompanionMode
    /// Why the grant is guided, in Chinese then English in parentheses (e.g. "开放聊天只在老师开启的
    /// 课堂模式中 (primary-lower: open chat only in class mode)"); empty when open.
    public var reason: String
    /// The first rule, in the policy's order, that made the grant guided; nil when open.
    public var guidedBy: GuidedBy?
    /// How replies are worded for the student's band.
    public var style: BandPolicy.ReplyStyle
    /// Hints only, never the answer: true on every assignment (graded work) in every band.
    public var hintsOnly: Bool
    /// Active minutes left today (at least 1).
    public var minutesLeft: Int
    /// The student's daily limit in active minutes, after the school's override.
    public var limitMinutes: Int
    /// The student has used the companion continuously for at least the reminder threshold.
    public var breakReminder: Bool

    /// A grant; the policy builds these, tests and fakes may too.
    public init(mode: CompanionMode, reason: String = "", guidedBy: GuidedBy? = nil,
                style: BandPolicy.ReplyStyle, hintsOnly: Bool, minutesLeft: Int,
                limitMinutes: Int, breakReminder: Bool = false) {
        self.mode = mode
        self.reason = reason
        self.guidedBy = guidedBy
        self.style = style
        self.hintsOnly = hintsOnly
        self.minutesLeft = minutesLeft
        self.limitMinutes = limitMinutes
        self.breakReminder = breakReminder
    }
}

/// The companion may not answer now, and why; each case maps onto one problem type.
public enum PolicyRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Who turned the companion off.
    public enum OffSwitch: String, Sendable, Equatable {
        case assignment
        case school
    }

    /// 423 `exam-locked`: an exam window covers now, or an assessment attempt is in progress;
    /// `until` is the end of the lock when every lock in force has a known end.
    case examLocked(until: Date?)
    /// 403 `consent-required`: under the consent age (or no birth date) and no guardian consent.
    case consentRequired
    /// 429 `usage-limit-reached`; `retryAfterSeconds` runs to the next midnight in Asia/Shanghai.
    case usageLimitReached(retryAfterSeconds: Int, limitMinutes: Int)
    /// 403 `forbidden`: the assignment or the school turned the companion off.
    case companionOff(by: OffSwitch)

    /// A sentence in Chinese, then English, that a student or teacher can read.
    public var description: String {
        switch self {
        case .examLocked(let until?):
            let end = Self.shanghaiTime(until)
            return "考试或测评期间智能学伴已锁定，\(end)（北京时间）后可以再用。"
                + "The companion is locked during an exam or assessment until \(end) (Beijing time)."
        case .examLocked(nil):
            return "考试或测评进行中，智能学伴暂时锁定。"
                + "The companion is locked while an exam or assessment is in progress."
        case .consentRequired:
            let age = CompanionPolicy.consentAge
            return "未满\(age)岁的同学需要先登记监护人同意，才能使用智能学伴，请告诉老师或家长。"
                + "Students under \(age) need a recorded guardian consent before using the companion; please tell your teacher or parent."
        case .usageLimitReached(_, let limit):
            return "今天的智能学伴时间（\(limit)分钟）已经用完，休息一下，明天再来吧。"
                + "Today's companion time (\(limit) minutes) is used up; take a rest and come back tomorrow."
        case .companionOff(.assignment):
            return "老师为这项作业关闭了智能学伴。"
                + "The teacher turned the companion off for this assignment."
        case .companionOff(.school):
            return "学校已关闭智能学伴。"
                + "Your school has turned the learning companion off."
        }
    }

    /// The problem this refusal answers with. `now` sets Retry-After of an exam lock with a known end.
    public func problem(now: Date) -> AppError {
        switch self {
        case .examLocked(let until):
            let wait = until.map { max(1, Int($0.timeIntervalSince(now).rounded(.up))) }
            return AppError(.examLocked, description, retryAfter: wait)
        case .consentRequired:
            return AppError(.consentRequired, description)
        case .usageLimitReached(let seconds, _):
            return AppError(.usageLimitReached, description, retryAfter: seconds)
        case .companionOff:
            return AppError(.forbidden, description)
        }
    }

    /// `yyyy-MM-dd HH:mm` in Asia/Shanghai.
    static func shanghaiTime(_ date: Date) -> String {
        let c = PlatformCalendar.calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }
}
