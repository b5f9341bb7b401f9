import Foundation
import Persistence
import QianxueCore
import SQLKit

extension ReportsService {
    /// Companion and assistant use, offline share, safety flags and teacher adoption.
    func usage(area: ReportArea, period: ReportSpan, grouping: ReportGrouping) async throws -> Report {
        let groups = try await groups(grouping, in: area, period: period)
        let byWeek = grouping == .week
        var t = try await usageTally(groups: groups, period: period)
        try await addEnrolment(to: &t, groups: groups)
        try await addTeachers(to: &t, groups: groups)
        try await addAdoption(to: &t, groups: groups, period: period)
        let totalLabel = "\(area.unit.name)合计"
        // Per-week rows share the area's enrolment and teachers.
        func base(_ row: String, _ column: String) -> Double { byWeek ? t[ReportTally.total, column] : t[row, column] }

        let activity = ReportSection(
            id: "activity", title: "智能学伴与教师助教使用",
            columns: [ReportColumn("companionSessions", "学伴会话", .count), ReportColumn("companionMinutes", "学伴活跃分钟", .count),
                      ReportColumn("minutesPerStudent", "生均活跃分钟", .number), ReportColumn("assistantDrafts", "助教生成稿件", .count),
                      ReportColumn("requests", "模型调用次数", .count), ReportColumn("tokens", "模型令牌数", .count),
                      ReportColumn("offlineShare", "离线兜底占比", .percent)],
            rows: t.rows(groups, totalLabel: totalLabel) { row in
                ["companionSessions": .count(Int(t[row, "companion_sessions"])), "companionMinutes": .count(Int(t[row, "companion_minutes"])),
                 "minutesPerStudent": ReportTally.ratio(t[row, "companion_minutes"], per: base(row, "enrolled")),
                 "assistantDrafts": .count(Int(t[row, "assistant_drafts"])), "requests": .count(Int(t[row, "inference_requests"])),
                 "tokens": .count(Int(t[row, "prompt_tokens"] + t[row, "completion_tokens"])),
                 "offlineShare": ReportTally.percent(t[row, "offline_requests"], of: t[row, "inference_requests"])]
            },
            chart: ReportChart(title: "生均学伴活跃分钟", style: .bars, columns: ["minutesPerStudent"]))
        var safetyColumns = byWeek ? [] : [ReportColumn("enrolled", "在籍学生", .students)]
        safetyColumns += [ReportColumn("flags", "安全提示", .students), ReportColumn("severeFlags", "其中严重", .students),
                          ReportColumn("flagsPer1000", "每千名学生安全提示", .number), ReportColumn("acknowledgedShare", "已确认比例", .percent),
                          ReportColumn("hoursToAck", "平均确认用时（小时）", .number)]
        let safety = ReportSection(
            id: "safety", title: "安全提示与处置", columns: safetyColumns,
            rows: t.rows(groups, totalLabel: totalLabel) { row in
                var cells: [String: ReportCell] = [
                    "flags": .count(Int(t[row, "flags"])), "severeFlags": .count(Int(t[row, "severe_flags"])),
                    "flagsPer1000": ReportTally.ratio(t[row, "flags"], per: base(row, "enrolled"), scale: 1000),
                    "acknowledgedShare": ReportTally.percent(t[row, "flags_acknowledged"], of: t[row, "flags"]),
                    "hoursToAck": ReportTally.ratio(t[row, "ack_seconds"], per: t[row, "flags_acknowledged"], scale: 1 / 3600.0)]
                if !byWeek { cells["enrolled"] = .count(Int(t[row, "enrolled"])) }
                return cells
            },
            chart: ReportChart(title: "每千名学生安全提示", style: .bars, columns: ["flagsPer1000"]))
        let adoption = ReportSection(
            id: "adoption", title: "教师使用人工智能助教",
            columns: [ReportColumn("teachers", "教师", .count), ReportColumn("weeklyActiveTeachers", "周均使用助教教师", .number),
                      ReportColumn("adoption", "周使用率", .percent)],
            rows: t.rows(groups, totalLabel: totalLabel) { row in
                let teachers = base(row, "teachers")
                // A week's row is that week; any other row averages over the period's weeks.
                let weekly = byWeek && row != ReportTally.total ? t[row, "active_teachers"] : t[row, "active_teachers"] / max(1, t[ReportTally.total, "weeks"])
                return ["teachers": .count(Int(teachers)), "weeklyActiveTeachers": .number((weekly * 10).rounded() / 10),
                        "adoption": ReportTally.percent(weekly, of: teachers)]
            },
            chart: ReportChart(title: "教师周使用率", style: .bars, columns: ["adoption"]))

        typealias C = SmallCellSuppression.ColumnRef
        var derived: [SmallCellSuppression.Derivation] = [
            .init(C("safety", "flagsPer1000"), from: [C("safety", "flags")] + (byWeek ? [] : [C("safety", "enrolled")])),
            .init(C("safety", "acknowledgedShare"), from: [C("safety", "flags")]),
            .init(C("safety", "hoursToAck"), from: [C("safety", "flags")]),
        ]
        if !byWeek { derived.append(.init(C("activity", "minutesPerStudent"), from: [C("safety", "enrolled")])) }
        var report = Report(kind: .usage, unit: area.unit, period: period, groupBy: grouping, generatedAt: now(),
                            sections: [activity, safety, adoption], notes: [
                                "活跃分钟：学生在该分钟或此前4分钟内发过消息即计为活跃（按北京时间）。",
                                "离线兜底占比：由平台离线模式回答的模型调用所占比例（推理服务未配置或故障时）。",
                                "安全提示按提示产生之日计入；确认用时为教师首次确认距提示产生的时间。",
                                "周使用率：每周至少使用一次教师助教的教师占教师总数的比例，取所选时段各周的平均。",
                            ])
        SmallCellSuppression(derivations: derived).apply(to: &report)
        return report
    }

    private func usageTally(groups: ReportGroups, period: ReportSpan) async throws -> ReportTally {
        let columns = UsageCounts.columns
        let sums = columns.map { "CAST(SUM(u.\($0)) AS BIGINT) AS \($0)" }.joined(separator: ", ")
        let byDay = groups.grouping == .week
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: groups.keyColumns), \(unsafeRaw: byDay ? "u.day AS day, " : "")\(unsafeRaw: sums)
            FROM \(unsafeRaw: Rollups.usage) u JOIN schools s ON s.id = u.school_id
            WHERE u.day >= \(bind: period.from) AND u.day <= \(bind: period.to) AND \(groups.area.schoolFilter)
            GROUP BY \(unsafeRaw: groups.groupByPositions(extra: byDay ? 1 : 0))
            """).all()
        var t = ReportTally()
        for row in rows {
            let keys = try groups.keys(of: row, day: byDay ? try row.decode(column: "day", as: String.self) : nil)
            for c in columns { t.add(Double(try row.decode(column: c, as: Int?.self) ?? 0), to: c, rows: keys) }
        }
        return t
    }

    func addTeachers(to t: inout ReportTally, groups: ReportGroups) async throws {
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: groups.keyColumns), COUNT(*) AS n FROM users u JOIN schools s ON s.id = u.school_id
            WHERE u.role = 'teacher' AND \(groups.area.schoolFilter)
            GROUP BY \(unsafeRaw: groups.groupByPositions(extra: 0))
            """).all()
        for row in rows { t.add(Double(try row.decode(column: "n", as: Int.self)), to: "teachers", rows: try groups.keys(of: row)) }
    }

    /// Teachers active with the assistant, summed over the weeks of the period (`weeks` counts them).
    func addAdoption(to t: inout ReportTally, groups: ReportGroups, period: ReportSpan) async throws {
        let first = PlatformCalendar.weekStart(ofDay: period.from)
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: groups.keyColumns), w.week AS week, CAST(SUM(w.teachers) AS BIGINT) AS n
            FROM \(unsafeRaw: Rollups.teacherWeeks) w JOIN schools s ON s.id = w.school_id
            WHERE w.week >= \(bind: first) AND w.week <= \(bind: period.to) AND \(groups.area.schoolFilter)
            GROUP BY \(unsafeRaw: groups.groupByPositions(extra: 1))
            """).all()
        for row in rows {
            let keys = try groups.keys(of: row, day: try row.decode(column: "week", as: String.self))
            t.add(Double(try row.decode(column: "n", as: Int.self)), to: "active_teachers", rows: keys)
        }
        var weeks = 0
        var day = first
        while day <= period.to, let next = PlatformCalendar.day(day, plus: 7) { weeks += 1; day = next }
        t.set(Double(weeks), "weeks", row: ReportTally.total)
    }
}
