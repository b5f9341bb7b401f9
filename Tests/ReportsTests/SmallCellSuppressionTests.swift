import QianxueCore
import Reports
import Testing

@Suite struct SmallCellSuppressionTests {
    /// A report of random counts: groups adding up to a total, levels adding up to `assessed`.
    static func randomReport(seed: UInt64, groups: Int) -> Report {
        var rng = SeededRandom(seed: seed)
        let levels = ["U", "A", "C"]
        var rows: [ReportRow] = []
        var total: [String: Int] = [:]
        for g in 0..<groups {
            var cells: [String: ReportCell] = [:]
            var assessed = 0
            for l in levels {
                // Mostly small counts, so that suppression has work to do.
                let n = rng.unit() < 0.5 ? Int(rng.unit() * 12) : Int(rng.unit() * 80)
                cells[l] = .count(n)
                assessed += n
                total[l, default: 0] += n
            }
            cells["assessed"] = .count(assessed)
            total["assessed", default: 0] += assessed
            rows.append(ReportRow(key: "g\(g)", label: "组\(g)", role: .group, cells: cells))
        }
        let totalRow = ReportRow(key: "total", label: "合计", role: .total, cells: total.mapValues { .count($0) })
        let section = ReportSection(id: "overview", title: "t",
                                    columns: [ReportColumn("assessed", "参测", .students)] + levels.map { ReportColumn($0, $0, .students) },
                                    rows: [totalRow] + rows)
        return Report(kind: .literacy, unit: ReportUnit(code: "5203", name: "遵义市", level: .prefecture),
                      period: ReportSpan(from: "2026-09-01", to: "2027-01-31", term: "2026-2027-1"),
                      groupBy: .region, generatedAt: .init(timeIntervalSince1970: 0), sections: [section])
    }

    static let rules = SmallCellSuppression(rowSums: [.init(section: "overview", total: "assessed", parts: ["U", "A", "C"])])

    @Test func everyCountUnderTenIsShownAsLessThanTen() {
        // given
        var report = Self.randomReport(seed: 7, groups: 12)
        let before = report
        // when
        Self.rules.apply(to: &report)
        // then
        for (row, original) in zip(report.sections[0].rows, before.sections[0].rows) {
            for (key, cell) in original.cells {
                if let n = cell.number, n >= 1, n < 10 { #expect(row[key] == .suppressed, "\(row.key).\(key) = \(n) must read <10") }
                if !row[key].isHidden { #expect(row[key] == cell, "a visible cell keeps its value") }
            }
        }
    }

    @Test func subtractingVisibleCellsFromATotalRecoversNoHiddenCell() {
        for seed in UInt64(1)...200 {
            // given
            var report = Self.randomReport(seed: seed, groups: 2 + Int(seed % 9))
            // when
            Self.rules.apply(to: &report)
            // then: down every column (groups → total) and across every row (levels → assessed),
            // a visible total with exactly one hidden part would give that part away.
            let rows = report.sections[0].rows
            let total = rows.first { $0.role == .total }!
            for column in ["assessed", "U", "A", "C"] where !total[column].isHidden {
                let hidden = rows.filter { $0.role == .group && $0[column].isHidden }
                #expect(hidden.count != 1, "seed \(seed): column \(column) leaks \(hidden.first?.key ?? "")")
            }
            for row in rows where !row["assessed"].isHidden {
                let hidden = ["U", "A", "C"].filter { row[$0].isHidden }
                #expect(hidden.count != 1, "seed \(seed): row \(row.key) leaks \(hidden.first ?? "")")
            }
            // A hidden total must not be the plain sum of visible parts.
            for column in ["assessed", "U", "A", "C"] where total[column].isHidden {
                #expect(rows.contains { $0.role == .group && $0[column].isHidden }, "seed \(seed): total \(column) is the sum of visible cells")
            }
        }
    }

    @Test func aShareComputedFromAHiddenCountIsHiddenToo() {
        // given: 5 of 40 students at level C; the share at A or above would give the 5 away
        let columns = [ReportColumn("assessed", "参测", .students), ReportColumn("U", "U", .students), ReportColumn("A", "A", .students),
                       ReportColumn("C", "C", .students), ReportColumn("atLeastApply", "应用及以上", .percent)]
        let row = ReportRow(key: "total", label: "合计", role: .total,
                            cells: ["assessed": .count(40), "U": .count(20), "A": .count(15), "C": .count(5), "atLeastApply": .number(50)])
        var report = Self.randomReport(seed: 1, groups: 1)
        report.sections = [ReportSection(id: "overview", title: "t", columns: columns, rows: [row])]
        let rules = SmallCellSuppression(
            rowSums: [.init(section: "overview", total: "assessed", parts: ["U", "A", "C"])],
            derivations: [.init(.init("overview", "atLeastApply"), from: ["U", "A", "C"].map { .init("overview", $0) })])
        // when
        rules.apply(to: &report)
        // then
        let out = report.sections[0].rows[0]
        #expect(out["C"] == .suppressed)
        #expect(out["A"] == .withheld, "the smallest other level is withheld so that C = 40 − 20 − A cannot be computed")
        #expect(out["atLeastApply"].isHidden)
        #expect(out["U"] == .count(20) && out["assessed"] == .count(40))
    }
}
