import Foundation
import Persistence
import QianxueCore
import SQLKit

extension ReportsService {
    static let dimensions: [(key: String, label: String)] = [
        ("HM", "以人为本的思维"), ("ET", "人工智能伦理"), ("TA", "人工智能技术与应用"), ("SD", "人工智能系统设计"),
    ]
    static let levels: [(key: String, label: String)] = [("U", "理解"), ("A", "应用"), ("C", "创造")]

    /// Level distributions per dimension, participation, and the change from another term.
    func literacy(area: ReportArea, period: ReportSpan, compareTo: ReportSpan?, grouping: ReportGrouping) async throws -> Report {
        let groups = try await groups(grouping, in: area, period: period)
        let term = period.term!
        var tally = try await literacyTally(term: term, groups: groups)
        try await addEnrolment(to: &tally, groups: groups)
        let totalLabel = "\(area.unit.name)合计"

        func levelColumns(_ prefix: String) -> [ReportColumn] {
            Self.levels.map { ReportColumn("\(prefix)\($0.key)", $0.label, .students) }
        }
        func atLeastApply(_ t: ReportTally, _ row: String, _ dim: String) -> ReportCell {
            let rated = Self.levels.reduce(0) { $0 + t[row, "\(dim)-\($1.key)"] }
            return ReportTally.percent(t[row, "\(dim)-A"] + t[row, "\(dim)-C"], of: rated)
        }
        func overview(_ id: String, _ title: String, _ t: ReportTally, withEnrolment: Bool) -> ReportSection {
            var columns = withEnrolment ? [ReportColumn("enrolled", "在籍学生", .students)] : []
            columns.append(ReportColumn("assessed", "参测学生", .students))
            if withEnrolment { columns.append(ReportColumn("participation", "参测率", .percent)) }
            columns += levelColumns("")
            columns.append(ReportColumn("atLeastApply", "达到应用及以上", .percent))
            let rows = t.rows(groups, totalLabel: totalLabel) { row in
                var cells: [String: ReportCell] = ["assessed": .count(Int(t[row, "assessed"])), "atLeastApply": atLeastApply(t, row, "ALL")]
                for l in Self.levels { cells[l.key] = .count(Int(t[row, "ALL-\(l.key)"])) }
                if withEnrolment {
                    cells["enrolled"] = .count(Int(t[row, "enrolled"]))
                    cells["participation"] = ReportTally.percent(t[row, "assessed"], of: t[row, "enrolled"])
                }
                return cells
            }
            return ReportSection(id: id, title: title, columns: columns, rows: rows,
                                 chart: ReportChart(title: "总体素养水平分布", style: .stacked, columns: Self.levels.map(\.key)))
        }

        var sections = [overview("overview", "参测情况与总体素养水平（\(term)）", tally, withEnrolment: true)]
        for d in Self.dimensions {
            let columns = [ReportColumn("assessed", "参测学生", .students)] + levelColumns("")
                + [ReportColumn("unrated", "未作答该维度", .students), ReportColumn("atLeastApply", "达到应用及以上", .percent)]
            let rows = tally.rows(groups, totalLabel: totalLabel) { row in
                var cells: [String: ReportCell] = ["assessed": .count(Int(tally[row, "assessed"])),
                                                   "unrated": .count(Int(tally[row, "\(d.key)-\(Rollups.unrated)"])),
                                                   "atLeastApply": atLeastApply(tally, row, d.key)]
                for l in Self.levels { cells[l.key] = .count(Int(tally[row, "\(d.key)-\(l.key)"])) }
                return cells
            }
            sections.append(ReportSection(id: "dimension-\(d.key)", title: "维度：\(d.label)（\(d.key)）", columns: columns, rows: rows,
                                          chart: ReportChart(title: "\(d.label)水平分布", style: .stacked, columns: Self.levels.map(\.key))))
        }
        var rules = Self.literacyRules(dimensions: Self.dimensions.map { "dimension-\($0.key)" })
        if let compareTo, let then = compareTo.term {
            let before = try await literacyTally(term: then, groups: groups)
            sections.append(overview("overviewCompared", "对比学期总体素养水平（\(then)）", before, withEnrolment: false))
            let rows = tally.rows(groups, totalLabel: totalLabel) { row in
                let now = atLeastApply(tally, row, "ALL"), was = atLeastApply(before, row, "ALL")
                let change: ReportCell = now.number.flatMap { n in was.number.map { .number(((n - $0) * 10).rounded() / 10) } } ?? .missing
                return ["assessedNow": .count(Int(tally[row, "assessed"])), "assessedThen": .count(Int(before[row, "assessed"])),
                        "shareNow": now, "shareThen": was, "change": change]
            }
            sections.append(ReportSection(
                id: "change", title: "两学期对比：达到应用及以上的比例（\(then) → \(term)）",
                columns: [ReportColumn("assessedThen", "参测学生（\(then)）", .students), ReportColumn("assessedNow", "参测学生（\(term)）", .students),
                          ReportColumn("shareThen", "应用及以上（\(then)）", .percent), ReportColumn("shareNow", "应用及以上（\(term)）", .percent),
                          ReportColumn("change", "变化（百分点）", .number)],
                rows: rows, chart: ReportChart(title: "达到应用及以上的比例", style: .bars, columns: ["shareThen", "shareNow"])))
            rules = rules.with(comparison: true)
        }
        var report = Report(kind: .literacy, unit: area.unit, period: period, comparedTo: compareTo, groupBy: grouping,
                            generatedAt: now(), sections: sections, notes: [
                                "每名学生每学期计入其最近一次完成的测评结果；参测率以当前在籍学生为分母。",
                                "水平：理解（U）、应用（A）、创造（C）；“未作答该维度”指测评中未出现该维度的题目。",
                            ] + (groups.groups.contains { $0.role == .overlap } ? ["贵安新区的学校同时计入其所在市州，贵安新区一行不计入合计。"] : []))
        rules.apply(to: &report)
        return report
    }

    private func literacyTally(term: String, groups: ReportGroups) async throws -> ReportTally {
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: groups.keyColumns), r.band AS band, r.dimension AS dimension, r.level AS level,
                   CAST(SUM(r.students) AS BIGINT) AS n
            FROM \(unsafeRaw: Rollups.literacy) r JOIN schools s ON s.id = r.school_id
            WHERE r.term = \(bind: term) AND \(groups.area.schoolFilter)
            GROUP BY \(unsafeRaw: groups.groupByPositions(extra: 3))
            """).all()
        var tally = ReportTally()
        for row in rows {
            let n = Double(try row.decode(column: "n", as: Int.self))
            let keys = try groups.keys(of: row, band: try row.decode(column: "band", as: String.self))
            let dimension = try row.decode(column: "dimension", as: String.self)
            tally.add(n, to: "\(dimension)-\(try row.decode(column: "level", as: String.self))", rows: keys)
            if dimension == Rollups.overall { tally.add(n, to: "assessed", rows: keys) }
        }
        return tally
    }

    func addEnrolment(to tally: inout ReportTally, groups: ReportGroups) async throws {
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: groups.keyColumns), e.band AS band, CAST(SUM(e.students) AS BIGINT) AS n
            FROM \(unsafeRaw: Rollups.enrolment) e JOIN schools s ON s.id = e.school_id
            WHERE \(groups.area.schoolFilter)
            GROUP BY \(unsafeRaw: groups.groupByPositions(extra: 1))
            """).all()
        for row in rows {
            let keys = try groups.keys(of: row, band: try row.decode(column: "band", as: String.self))
            tally.add(Double(try row.decode(column: "n", as: Int.self)), to: "enrolled", rows: keys)
        }
    }

    /// The sums a reader could subtract along, and the cells computed from others.
    static func literacyRules(dimensions: [String]) -> SmallCellSuppression {
        typealias C = SmallCellSuppression.ColumnRef
        let levels = Self.levels.map(\.key)
        var sums = [SmallCellSuppression.RowSum(section: "overview", total: "assessed", parts: levels)]
        var derived = [
            SmallCellSuppression.Derivation(C("overview", "participation"), from: [C("overview", "assessed"), C("overview", "enrolled")]),
            SmallCellSuppression.Derivation(C("overview", "atLeastApply"), from: levels.map { C("overview", $0) }),
        ]
        for d in dimensions {
            sums.append(.init(section: d, total: "assessed", parts: levels + ["unrated"]))
            derived.append(.init(C(d, "atLeastApply"), from: levels.map { C(d, $0) }))
            derived.append(.init(C(d, "assessed"), from: [C("overview", "assessed")]))
            derived.append(.init(C("overview", "assessed"), from: [C(d, "assessed")]))
        }
        return SmallCellSuppression(rowSums: sums, derivations: derived)
    }
}

extension SmallCellSuppression {
    /// The rules with the comparison term's sections added.
    func with(comparison: Bool) -> SmallCellSuppression {
        guard comparison else { return self }
        typealias C = ColumnRef
        let levels = ReportsService.levels.map(\.key)
        var copy = self
        copy.rowSums.append(.init(section: "overviewCompared", total: "assessed", parts: levels))
        copy.derivations += [
            .init(C("overviewCompared", "atLeastApply"), from: levels.map { C("overviewCompared", $0) }),
            .init(C("change", "assessedNow"), from: [C("overview", "assessed")]),
            .init(C("overview", "assessed"), from: [C("change", "assessedNow")]),
            .init(C("change", "assessedThen"), from: [C("overviewCompared", "assessed")]),
            .init(C("overviewCompared", "assessed"), from: [C("change", "assessedThen")]),
            .init(C("change", "shareNow"), from: levels.map { C("overview", $0) }),
            .init(C("change", "shareThen"), from: levels.map { C("overviewCompared", $0) }),
            .init(C("change", "change"), from: [C("change", "shareNow"), C("change", "shareThen")]),
        ]
        return copy
    }
}
