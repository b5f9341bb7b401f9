import Foundation
import QianxueCore
import Reports

/// Reports shaped like the real ones, with made-up but plausible numbers: the literacy report of
/// 遵义市 by county (two small counties end up with suppressed cells) and the usage report of
/// 汇川区 by week.
enum ReportFixtures {
    /// 2026-11-30 09:05 in Asia/Shanghai.
    static let generatedAt = Date(timeIntervalSince1970: 1_796_000_700)

    /// 遵义市's 14 counties (codes and names as in shared/data/guizhou/divisions.csv) and how many
    /// students each assessed.
    static let zunyiCounties: [(code: String, name: String, assessed: Int)] = [
        ("520302", "红花岗区", 2150), ("520303", "汇川区", 1890), ("520304", "播州区", 2410),
        ("520322", "桐梓县", 980), ("520323", "绥阳县", 760), ("520324", "正安县", 640),
        ("520325", "道真仡佬族苗族自治县", 120), ("520326", "务川仡佬族苗族自治县", 95),
        ("520327", "凤冈县", 530), ("520328", "湄潭县", 870), ("520329", "余庆县", 410),
        ("520330", "习水县", 1120), ("520381", "赤水市", 350), ("520382", "仁怀市", 1340),
    ]

    static let dimensions: [(key: String, name: String)] = [
        ("humanCentred", "以人为本的思维"), ("ethics", "人工智能伦理"),
        ("techniques", "人工智能技术与应用"), ("systemDesign", "人工智能系统设计"),
    ]

    static var all: [Report] { [literacy(), usage()] }

    static func literacy() -> Report {
        var random = SeededNumbers(seed: 5203)
        let unit = ReportUnit(code: "5203", name: "遵义市", level: .prefecture)
        func rows(_ cells: (String, Int) -> [String: ReportCell]) -> [ReportRow] {
            zunyiCounties.map { ReportRow(key: $0.code, label: $0.name, role: .group, cells: cells($0.code, $0.assessed)) }
        }

        var participation = ReportSection(
            id: "participation", title: "参测情况",
            columns: [.init("schools", "参测学校", .count), .init("assessed", "参测学生", .students), .init("rate", "参测率", .percent)],
            rows: rows { _, assessed in
                ["schools": .count(max(2, assessed / 65)), "assessed": .count(assessed), "rate": .number((62 + random.next() * 34).rounded(toPlaces: 1))]
            },
            chart: ReportChart(title: "各区县参测率", style: .bars, columns: ["rate"]))
        participation.rows.insert(total(of: participation, unit: unit, weighting: ("rate", "assessed")), at: 0)

        var sections = [participation]
        for dimension in dimensions {
            var section = ReportSection(
                id: dimension.key, title: "维度：\(dimension.name)",
                columns: [
                    .init("assessed", "参测学生", .students), .init("U", "理解", .students), .init("A", "应用", .students),
                    .init("C", "创造", .students), .init("unrated", "未评级", .students), .init("applyOrAbove", "应用及以上", .percent),
                ],
                rows: rows { code, assessed in
                    // 赤水市 did not sit the system-design form this term.
                    if code == "520381", dimension.key == "systemDesign" { return [:] }
                    let a = Int(Double(assessed) * (0.27 + random.next() * 0.12))
                    let c = Int(Double(assessed) * (0.04 + random.next() * 0.07))
                    let unrated = Int(Double(assessed) * (0.01 + random.next() * 0.03))
                    let u = assessed - a - c - unrated
                    return ["assessed": .count(assessed), "U": .count(u), "A": .count(a), "C": .count(c), "unrated": .count(unrated),
                            "applyOrAbove": .number((Double(a + c) / Double(assessed) * 100).rounded(toPlaces: 1))]
                },
                chart: ReportChart(title: "\(dimension.name)：各水平学生占比", style: .stacked, columns: ["U", "A", "C", "unrated"]))
            var totalRow = total(of: section, unit: unit, weighting: nil)
            if let a = totalRow["A"].number, let c = totalRow["C"].number, let n = totalRow["assessed"].number {
                totalRow.cells["applyOrAbove"] = .number(((a + c) / n * 100).rounded(toPlaces: 1))
            }
            section.rows.insert(totalRow, at: 0)
            sections.append(section)
        }

        var report = Report(
            kind: .literacy, unit: unit, period: ReportSpan(from: "2026-09-01", to: "2027-01-31", term: "2026-2027-1"),
            groupBy: .region, generatedAt: generatedAt, sections: sections,
            notes: [
                "水平按全省统一的分界分数划分为理解、应用、创造；作答题数不足、无法估计能力的学生计为未评级。",
                "赤水市本学期未组织“人工智能系统设计”维度测评，相应单元格为空。",
            ])
        SmallCellSuppression(
            rowSums: dimensions.map { .init(section: $0.key, total: "assessed", parts: ["U", "A", "C", "unrated"]) },
            derivations: dimensions.map { d in
                .init(.init(d.key, "applyOrAbove"), from: [.init(d.key, "A"), .init(d.key, "C"), .init(d.key, "assessed")])
            }
        ).apply(to: &report)
        return report
    }

    /// The total row: the sum of the groups, and for `weighting` (column, by) their weighted mean.
    static func total(of section: ReportSection, unit: ReportUnit, weighting: (String, String)?) -> ReportRow {
        var cells: [String: ReportCell] = [:]
        for column in section.columns where column.kind != .percent {
            cells[column.key] = .number(section.rows.compactMap { $0[column.key].number }.reduce(0, +))
        }
        if let (column, by) = weighting {
            let pairs = section.rows.compactMap { r in r[column].number.flatMap { v in r[by].number.map { (v, $0) } } }
            let weight = pairs.map(\.1).reduce(0, +)
            cells[column] = .number((pairs.map { $0.0 * $0.1 }.reduce(0, +) / weight).rounded(toPlaces: 1))
        }
        return ReportRow(key: unit.code, label: "\(unit.name)（合计）", role: .total, cells: cells)
    }
}

/// A small deterministic generator, so that fixtures (and their screenshots) never change.
struct SeededNumbers {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }

    /// The next number in 0..<1.
    mutating func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(UInt64(1) << 53)
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        // not `pow`: with the test targets' current imports it resolves to a static member of Double and fails to compile
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
