import Foundation
import QianxueCore
import Reports

extension ReportFixtures {
    /// 汇川区's usage and safety report for the autumn term so far, by week, against the spring term.
    static func usage() -> Report {
        var random = SeededNumbers(seed: 520303)
        let unit = ReportUnit(code: "520303", name: "汇川区", level: .county)
        let firstMonday = PlatformCalendar.calendar.date(from: DateComponents(year: 2026, month: 8, day: 31))!
        let weeks = (0..<13).map { i -> (key: String, label: String) in
            let monday = PlatformCalendar.calendar.date(byAdding: .day, value: 7 * i, to: firstMonday)!
            let c = PlatformCalendar.calendar.dateComponents([.month, .day], from: monday)
            return (PlatformCalendar.day(of: monday), "第\(i + 1)周（\(c.month!)月\(c.day!)日起）")
        }

        // The pilot started with a handful of students in its first week and grew from there.
        let activeStudents = weeks.indices.map { $0 == 0 ? 7 : Int(380 + Double($0) * 95 + random.next() * 160) }
        var activity = ReportSection(
            id: "activity", title: "使用概况",
            columns: [
                .init("activeStudents", "活跃学生", .students), .init("activeTeachers", "活跃教师", .count),
                .init("sessions", "学伴会话", .count), .init("minutesPerStudent", "人均使用时长（分钟）", .number),
            ],
            rows: weeks.enumerated().map { i, week in
                let students = activeStudents[i]
                return ReportRow(key: week.key, label: week.label, role: .group, cells: [
                    "activeStudents": .count(students), "activeTeachers": .count(3 + i * 4 + Int(random.next() * 6)),
                    "sessions": .count(Int(Double(students) * (2.1 + random.next()))),
                    "minutesPerStudent": .number((24 + random.next() * 18).rounded(toPlaces: 1)),
                ])
            },
            chart: ReportChart(title: "每周学伴会话数", style: .bars, columns: ["sessions"]))
        activity.rows.insert(ReportRow(key: unit.code, label: "汇川区（本学期）", role: .total, cells: [
            "activeStudents": .count(2_874), "activeTeachers": .count(61),
            "sessions": .count(activity.rows.compactMap { $0["sessions"].number }.map { Int($0) }.reduce(0, +)),
            "minutesPerStudent": .number(31.6),
        ]), at: 0)

        var safety = ReportSection(
            id: "safety", title: "安全提示",
            columns: [
                .init("flags", "安全提示", .count), .init("high", "其中高风险", .count),
                .init("reviewed", "已由教师复核", .count), .init("per1000", "每千次会话提示数", .number),
            ],
            rows: weeks.enumerated().map { i, week in
                let sessions = activity.row(week.key)!["sessions"].number!
                let flags = Int(sessions * (0.004 + random.next() * 0.006))
                let high = Int(Double(flags) * (0.1 + random.next() * 0.2))
                var cells: [String: ReportCell] = [
                    "flags": .count(flags), "high": .count(high), "reviewed": .count(max(high, flags - Int(random.next() * 4))),
                    "per1000": .number((Double(flags) / sessions * 1000).rounded(toPlaces: 1)),
                ]
                // The current week is not over: no rate yet.
                if i == weeks.count - 1 { cells["per1000"] = .missing }
                return ReportRow(key: week.key, label: week.label, role: .group, cells: cells)
            },
            chart: ReportChart(title: "每周安全提示（全部与高风险）", style: .bars, columns: ["flags", "high"]))
        var safetyTotal = ReportFixtures.total(of: safety, unit: unit, weighting: nil)
        safetyTotal = ReportRow(key: unit.code, label: "汇川区（本学期）", role: .total, cells: safetyTotal.cells.merging(
            ["per1000": .number(((safetyTotal["flags"].number ?? 0) / (activity.rows[0]["sessions"].number ?? 1) * 1000).rounded(toPlaces: 1))]) { $1 })
        safety.rows.insert(safetyTotal, at: 0)

        var report = Report(
            kind: .usage, unit: unit, period: ReportSpan(from: "2026-09-01", to: "2027-01-31", term: "2026-2027-1"),
            comparedTo: ReportSpan(from: "2026-02-01", to: "2026-08-31", term: "2025-2026-2"),
            groupBy: .week, generatedAt: generatedAt, sections: [activity, safety],
            notes: [
                "活跃学生指当周至少完成一次学伴会话的学生；合计行为本学期去重人数，不等于各周之和。",
                "安全提示由内容安全规则与教师举报产生；高风险提示当日推送给学校管理员。",
            ])
        SmallCellSuppression().apply(to: &report)
        return report
    }
}
