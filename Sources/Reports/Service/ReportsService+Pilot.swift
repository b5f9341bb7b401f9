import Foundation
import QianxueCore
import Registry
import SQLKit

extension ReportsService {
    /// Each pilot school's indicators against target and its milestones, a ranking of the area's
    /// regions, and the province's progress to its goal of 100 pilot schools.
    func pilotProgramme(area: ReportArea, period: ReportSpan, grouping: ReportGrouping) async throws -> Report {
        let groups = try await groups(.region, in: area, period: period)
        let today = min(PlatformCalendar.day(of: now()), period.to)
        let schools = try await sql.raw("""
            SELECT \(unsafeRaw: groups.keyColumns), s.id AS sid, s.name AS name, s.county_code AS county_code, pe.cohort AS cohort, pe.status AS status
            FROM pilot_enrolments pe JOIN schools s ON s.id = pe.school_id WHERE \(groups.area.schoolFilter)
            ORDER BY s.county_code, s.name
            """).all()
        struct Pilot { let id: UUID; let name: String; let county: String; let cohort: Int; let status: PilotStatus; let keys: [String] }
        let pilots = try schools.compactMap { row -> Pilot? in
            guard let status = PilotStatus(rawValue: try row.decode(column: "status", as: String.self)) else { return nil }
            return Pilot(id: try row.decode(column: "sid", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                         county: try row.decode(column: "county_code", as: String.self), cohort: try row.decode(column: "cohort", as: Int.self),
                         status: status, keys: try groups.keys(of: row))
        }
        let named = pilots.filter { $0.status.isNamedPilot }
        let ids = named.map(\.id)
        var latest: [UUID: [String: Double]] = [:]
        var tracks: [UUID: [MilestoneTrack: Int]] = [:]
        if !ids.isEmpty {
            for row in try await sql.raw("""
                SELECT school_id, indicator, value FROM pilot_measurements
                WHERE school_id IN (\(binds: ids)) AND measured_on <= \(bind: period.to) ORDER BY measured_on, recorded_at
                """).all() {
                latest[try row.decode(column: "school_id", as: UUID.self), default: [:]][try row.decode(column: "indicator", as: String.self)] =
                    try row.decode(column: "value", as: Double.self)
            }
            for row in try await sql.raw("SELECT school_id, status, due_on FROM pilot_milestones WHERE school_id IN (\(binds: ids))").all() {
                let track = MilestoneTrack.of(status: try row.decode(column: "status", as: String.self),
                                              dueOn: try row.decode(column: "due_on", as: String.self), today: today)
                tracks[try row.decode(column: "school_id", as: UUID.self), default: [:]][track, default: 0] += 1
            }
        }
        func met(_ id: UUID) -> (met: Int, measured: Int) {
            let values = latest[id] ?? [:]
            let measured = PilotCatalogue.indicators.filter { values[$0.code] != nil }
            return (measured.filter { values[$0.code]! >= $0.target }.count, measured.count)
        }

        // Ranking of the area's regions (or its schools) by the share of indicators at target.
        var t = ReportTally()
        for p in named {
            let m = met(p.id)
            t.add(1, to: "schools", rows: p.keys)
            t.add(Double(m.met), to: "met", rows: p.keys)
            t.add(Double(m.measured), to: "measured", rows: p.keys)
            for track in [MilestoneTrack.onTrack, .atRisk, .behind] { t.add(Double(tracks[p.id]?[track] ?? 0), to: track.rawValue, rows: p.keys) }
        }
        var rankingRows = t.rows(groups, totalLabel: "\(area.unit.name)合计") { row in
            ["schools": .count(Int(t[row, "schools"])), "metShare": ReportTally.percent(t[row, "met"], of: t[row, "measured"]),
             "onTrack": .count(Int(t[row, "on_track"])), "atRisk": .count(Int(t[row, "at_risk"])), "behind": .count(Int(t[row, "behind"]))]
        }
        let ranked = rankingRows.filter { $0.role == .group && $0["metShare"].number != nil }
            .sorted { ($0["metShare"].number!, -$0["behind"].number!) > ($1["metShare"].number!, -$1["behind"].number!) }
        // Competition ranking: equal shares with equal milestones behind share a rank.
        for (i, r) in ranked.enumerated() {
            let first = ranked.firstIndex { $0["metShare"] == r["metShare"] && $0["behind"] == r["behind"] }!
            rankingRows[rankingRows.firstIndex { $0.key == r.key }!].cells["rank"] = .count(min(i, first) + 1)
        }

        let indicatorColumns = PilotCatalogue.indicators.map { i in
            ReportColumn(i.code, Self.shortLabels[i.code].map { "\($0)" + (i.unit == .boolean ? "" : "（目标\(ReportCell.number(i.target).display)）") } ?? i.name,
                         i.unit == .boolean ? .text : .number)
        }
        let schoolRows = named.map { p -> ReportRow in
            var cells: [String: ReportCell] = ["county": .text(registry.regions.region(RegionCode(p.county)!)?.name ?? p.county),
                                               "status": .text(Self.statusLabels[p.status] ?? p.status.rawValue), "cohort": .text(String(p.cohort))]
            for i in PilotCatalogue.indicators {
                let v = latest[p.id]?[i.code]
                cells[i.code] = i.unit == .boolean ? v.map { .text($0 >= 1 ? "是" : "否") } ?? .missing : v.map(ReportCell.number) ?? .missing
            }
            let m = met(p.id)
            cells["met"] = .text("\(m.met)/\(PilotCatalogue.indicators.count)")
            for track in [MilestoneTrack.onTrack, .atRisk, .behind] { cells[track.rawValue] = .count(tracks[p.id]?[track] ?? 0) }
            return ReportRow(key: p.id.uuidString.lowercased(), label: p.name, role: .group, cells: cells)
        }
        let province = try await provinceCounts()
        let counts = Dictionary(grouping: pilots, by: \.status).mapValues(\.count)
        let goal = ReportSection(
            id: "goal", title: "试点校建设进度（\(PilotCatalogue.goalYear)年目标\(PilotCatalogue.goal)所）",
            columns: [ReportColumn("pilot", "试点中", .count), ReportColumn("graduated", "已结业", .count),
                      ReportColumn("candidate", "候选", .count), ReportColumn("withdrawn", "已退出", .count),
                      ReportColumn("provinceNamed", "全省已认定试点校", .count), ReportColumn("goal", "全省目标", .count),
                      ReportColumn("progress", "目标完成度", .percent)],
            rows: [ReportRow(key: "total", label: area.unit.name, role: .total, cells: [
                "pilot": .count(counts[.pilot] ?? 0), "graduated": .count(counts[.graduated] ?? 0),
                "candidate": .count(counts[.candidate] ?? 0), "withdrawn": .count(counts[.withdrawn] ?? 0),
                "provinceNamed": .count(province), "goal": .count(PilotCatalogue.goal),
                "progress": ReportTally.percent(Double(province), of: Double(PilotCatalogue.goal))])],
            chart: ReportChart(title: "试点校状态", style: .bars, columns: ["pilot", "graduated", "candidate", "withdrawn"]))
        let ranking = ReportSection(
            id: "ranking", title: "区域排名（按指标达标比例）",
            columns: [ReportColumn("schools", "试点校", .count), ReportColumn("metShare", "指标达标比例", .percent),
                      ReportColumn("onTrack", "里程碑正常", .count), ReportColumn("atRisk", "里程碑有风险", .count),
                      ReportColumn("behind", "里程碑滞后", .count), ReportColumn("rank", "排名", .count)],
            rows: rankingRows, chart: ReportChart(title: "指标达标比例", style: .bars, columns: ["metShare"]))
        let indicators = ReportSection(
            id: "schools", title: "各试点校指标（时段末最新值）",
            columns: [ReportColumn("county", "区县", .text), ReportColumn("cohort", "批次", .text)] + indicatorColumns
                + [ReportColumn("met", "达标", .text)],
            rows: schoolRows, rowHeading: "试点校")
        let milestones = ReportSection(
            id: "milestones", title: "各试点校里程碑",
            columns: [ReportColumn("county", "区县", .text), ReportColumn("status", "状态", .text),
                      ReportColumn("on_track", "正常", .count), ReportColumn("at_risk", "有风险", .count), ReportColumn("behind", "滞后", .count)],
            rows: schoolRows, rowHeading: "试点校")
        return Report(kind: .pilotProgramme, unit: area.unit, period: period, groupBy: grouping, generatedAt: now(),
                      sections: [goal, ranking, indicators, milestones], notes: [
                          "指标取时段末以前的最新填报值；里程碑状态按 \(today) 计：已完成为正常，逾期未完成为滞后，30天内到期未完成为有风险。",
                          "达标比例：各试点校已填报指标中达到目标的比例。试点校指全省认定的试点中与已结业学校。",
                          "指标：" + PilotCatalogue.indicators.map { "\(Self.shortLabels[$0.code] ?? $0.code) = \($0.name)" }.joined(separator: "；") + "。",
                      ])
    }

    /// Indicator names short enough for a table header; units in the header of percent columns.
    static let shortLabels = [
        "ai_course_hours_per_term": "AI课时/学期", "teachers_ai_trained_share": "教师培训%", "students_companion_active_share": "学伴活跃%",
        "smart_classroom_coverage": "智慧教室%", "compute_platform_connected": "接入算力平台", "literacy_assessment_participation": "测评参与%",
    ]

    static let statusLabels: [PilotStatus: String] = [.candidate: "候选", .pilot: "试点中", .graduated: "已结业", .withdrawn: "已退出"]

    private func provinceCounts() async throws -> Int {
        let row = try await sql.raw("SELECT COUNT(*) AS n FROM pilot_enrolments WHERE status IN ('pilot', 'graduated')").first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }
}
