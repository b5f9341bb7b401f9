import Foundation
import QianxueCore

/// A digital-transformation indicator of the pilot programme, with its unit and target.
public struct PilotIndicator: Sendable, Hashable {
    public enum Unit: String, Sendable { case hours, percent, boolean }

    public let code: String
    public let name: String
    public let nameEn: String
    public let unit: Unit
    public let target: Double

    /// Whether a value is valid for the unit.
    func accepts(_ v: Double) -> Bool {
        switch unit {
        case .hours: return v >= 0 && v <= 500
        case .percent: return v >= 0 && v <= 100
        case .boolean: return v == 0 || v == 1
        }
    }
}

/// A milestone every pilot school works towards, due a number of months after its cohort starts (1 September).
public struct PilotMilestoneTemplate: Sendable {
    public let code: String
    public let title: String
    public let monthsAfterStart: Int
}

/// The programme's indicators and milestones: the province's definitions, the same for every school.
public enum PilotCatalogue {
    /// The province aims for 100 pilot schools by the end of 2027.
    public static let goal = 100
    public static let goalYear = 2027

    public static let indicators: [PilotIndicator] = [
        .init(code: "ai_course_hours_per_term", name: "每学期人工智能课时", nameEn: "AI course hours per term", unit: .hours, target: 16),
        .init(code: "teachers_ai_trained_share", name: "完成人工智能培训的教师比例", nameEn: "Share of teachers trained in AI", unit: .percent, target: 80),
        .init(code: "students_companion_active_share", name: "使用智能学伴的学生比例", nameEn: "Share of students active with the learning companion", unit: .percent, target: 60),
        .init(code: "smart_classroom_coverage", name: "智慧教室覆盖率", nameEn: "Smart-classroom coverage", unit: .percent, target: 70),
        .init(code: "compute_platform_connected", name: "接入省人工智能教育算力平台", nameEn: "Connected to the provincial AI-education compute platform", unit: .boolean, target: 1),
        .init(code: "literacy_assessment_participation", name: "人工智能素养测评参与率", nameEn: "AI-literacy assessment participation", unit: .percent, target: 90),
    ]

    public static let milestones: [PilotMilestoneTemplate] = [
        .init(code: "plan", title: "学校数字化转型方案通过评审 (transformation plan approved)", monthsAfterStart: 2),
        .init(code: "timetable", title: "人工智能课程进入各年级课表 (AI course in every grade's timetable)", monthsAfterStart: 6),
        .init(code: "teacher-training", title: "全体教师完成人工智能基础培训 (all teachers complete basic AI training)", monthsAfterStart: 10),
        .init(code: "compute", title: "接入省人工智能教育算力平台 (connected to the provincial compute platform)", monthsAfterStart: 12),
        .init(code: "assessment", title: "全体学生完成首次人工智能素养测评 (first AI-literacy assessment of all students)", monthsAfterStart: 16),
        .init(code: "review", title: "中期评估 (mid-term review)", monthsAfterStart: 18),
    ]

    public static func indicator(_ code: String) -> PilotIndicator? { indicators.first { $0.code == code } }

    /// The due day of a milestone for a cohort that starts on 1 September of `cohort`.
    static func dueOn(_ t: PilotMilestoneTemplate, cohort: Int) -> String {
        let cal = PlatformCalendar.calendar
        let start = cal.date(from: DateComponents(year: cohort, month: 9, day: 1))!
        let due = cal.date(byAdding: .month, value: t.monthsAfterStart, to: start)!
        return PlatformCalendar.day(of: due)
    }
}

/// How a milestone stands on a day.
public enum MilestoneTrack: String, Sendable {
    case onTrack = "on_track", atRisk = "at_risk", behind

    /// Done is on track; past due and not done is behind; due within 30 days and not done is at risk.
    public static func of(status: String, dueOn: String, today: String) -> MilestoneTrack {
        if status == "done" { return .onTrack }
        if dueOn < today { return .behind }
        let cal = PlatformCalendar.calendar
        if let t = PlatformCalendar.parseDay(today).flatMap(cal.date(from:)),
           let d = PlatformCalendar.parseDay(dueOn).flatMap(cal.date(from:)),
           d.timeIntervalSince(t) <= 30 * 86400 {
            return .atRisk
        }
        return .onTrack
    }
}
