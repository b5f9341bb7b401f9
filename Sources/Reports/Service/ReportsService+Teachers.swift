import Foundation
import QianxueCore
import Registry
import SQLKit

extension ReportsService {
    /// Teacher AI training: professional-development units done, the pilot schools' own indicator,
    /// and teachers' use of the assistant.
    func teachers(area: ReportArea, period: ReportSpan, grouping: ReportGrouping) async throws -> Report {
        let groups = try await groups(grouping, in: area, period: period)
        var t = ReportTally()
        try await addTeachers(to: &t, groups: groups)
        try await addAdoption(to: &t, groups: groups, period: period)
        let (start, end) = Self.instants(period)
        let pd = try await sql.raw("""
            SELECT \(unsafeRaw: groups.keyColumns),
                   COUNT(DISTINCT p.user_id) AS trained,
                   CAST(SUM(CASE WHEN p.completed_at >= \(bind: start) THEN 1 ELSE 0 END) AS BIGINT) AS units
            FROM pd_completions p JOIN users u ON u.id = p.user_id JOIN schools s ON s.id = u.school_id
            WHERE u.role = 'teacher' AND p.completed_at < \(bind: end) AND \(groups.area.schoolFilter)
            GROUP BY \(unsafeRaw: groups.groupByPositions(extra: 0))
            """).all()
        for row in pd {
            let keys = try groups.keys(of: row)
            t.add(Double(try row.decode(column: "trained", as: Int.self)), to: "trained", rows: keys)
            t.add(Double(try row.decode(column: "units", as: Int.self)), to: "units", rows: keys)
        }
        // The pilot schools' own measure: the latest value up to the period's end, per school.
        let measured = try await sql.raw("""
            SELECT \(unsafeRaw: groups.keyColumns), m.school_id AS sid, m.measured_on AS day, m.value AS value
            FROM pilot_measurements m JOIN schools s ON s.id = m.school_id
            WHERE m.indicator = 'teachers_ai_trained_share' AND m.measured_on <= \(bind: period.to) AND \(groups.area.schoolFilter)
            ORDER BY m.measured_on, m.recorded_at
            """).all()
        var latest: [UUID: (keys: [String], value: Double)] = [:]
        for row in measured {
            latest[try row.decode(column: "sid", as: UUID.self)] = (try groups.keys(of: row), try row.decode(column: "value", as: Double.self))
        }
        for (_, m) in latest {
            t.add(1, to: "pilotReporting", rows: m.keys)
            t.add(m.value, to: "pilotShareSum", rows: m.keys)
        }

        let section = ReportSection(
            id: "training", title: "教师人工智能培训与助教使用",
            columns: [ReportColumn("teachers", "教师", .count), ReportColumn("trained", "完成培训单元的教师", .count),
                      ReportColumn("trainedShare", "培训覆盖率", .percent), ReportColumn("units", "本期完成培训单元", .count),
                      ReportColumn("pilotReporting", "填报的试点校", .count), ReportColumn("pilotTrainedShare", "试点校自报培训比例（均值）", .percent),
                      ReportColumn("adoption", "助教周使用率", .percent)],
            rows: t.rows(groups, totalLabel: "\(area.unit.name)合计") { row in
                let weekly = t[row, "active_teachers"] / max(1, t[ReportTally.total, "weeks"])
                return ["teachers": .count(Int(t[row, "teachers"])), "trained": .count(Int(t[row, "trained"])),
                        "trainedShare": ReportTally.percent(t[row, "trained"], of: t[row, "teachers"]),
                        "units": .count(Int(t[row, "units"])), "pilotReporting": .count(Int(t[row, "pilotReporting"])),
                        "pilotTrainedShare": ReportTally.ratio(t[row, "pilotShareSum"], per: t[row, "pilotReporting"]),
                        "adoption": ReportTally.percent(weekly, of: t[row, "teachers"])]
            },
            chart: ReportChart(title: "培训覆盖率与助教周使用率", style: .bars, columns: ["trainedShare", "adoption"]))
        return Report(kind: .teachers, unit: area.unit, period: period, groupBy: grouping, generatedAt: now(), sections: [section], notes: [
            "培训覆盖率：截至时段末至少完成一个教师人工智能培训单元的教师占教师总数的比例。",
            "试点校自报培训比例：试点校填报的“完成人工智能培训的教师比例”指标在时段末以前的最新值（目标80%）。",
            "本报告只含教师数据，不含学生数据。",
        ])
    }

    /// The first instant of `from` and the instant after `to`, in Asia/Shanghai.
    static func instants(_ period: ReportSpan) -> (Date, Date) {
        let cal = PlatformCalendar.calendar
        let start = cal.date(from: PlatformCalendar.parseDay(period.from)!)!
        let end = cal.date(from: PlatformCalendar.parseDay(PlatformCalendar.day(period.to, plus: 1)!)!)!
        return (start, end)
    }
}
