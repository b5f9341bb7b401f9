import Foundation

/// Hides every count of 1–9 students (primary suppression) and then enough other cells that no
/// hidden count can be recovered by subtracting visible cells from a visible total (complementary
/// suppression). Percentages and other cells computed from a hidden count are hidden with it.
///
/// The sums a reader could subtract along are the group rows of a section adding up to its total
/// row, column by column (for every students column), and the sums a section declares inside a row
/// (`assessed = U + A + C + unrated`). The rule is applied until it holds everywhere: every sum with
/// a visible total has either no hidden part or at least two.
public struct SmallCellSuppression: Sendable {
    /// A column of a section.
    public struct ColumnRef: Sendable, Hashable {
        public let section: String
        public let column: String
        public init(_ section: String, _ column: String) {
            self.section = section
            self.column = column
        }
    }

    /// Inside every row of `section`: `total` is the sum of `parts`.
    public struct RowSum: Sendable {
        public let section: String
        public let total: String
        public let parts: [String]
        public init(section: String, total: String, parts: [String]) {
            self.section = section
            self.total = total
            self.parts = parts
        }
    }

    /// In every row, `target` is computed from `sources` (same row key, possibly another section):
    /// hidden when any source is hidden.
    public struct Derivation: Sendable {
        public let target: ColumnRef
        public let sources: [ColumnRef]
        public init(_ target: ColumnRef, from sources: [ColumnRef]) {
            self.target = target
            self.sources = sources
        }
    }

    public var threshold: Int
    public var rowSums: [RowSum]
    public var derivations: [Derivation]

    public init(threshold: Int = 10, rowSums: [RowSum] = [], derivations: [Derivation] = []) {
        self.threshold = threshold
        self.rowSums = rowSums
        self.derivations = derivations
    }

    private struct Cell: Hashable {
        let section: Int
        let row: Int
        let column: String
    }

    private struct Sum {
        let total: Cell
        let parts: [Cell]
    }

    /// Applies the rules to every section of `report`.
    public func apply(to report: inout Report) {
        var sections = report.sections
        func value(_ c: Cell) -> ReportCell { sections[c.section].rows[c.row][c.column] }
        func hide(_ c: Cell, as cell: ReportCell) { sections[c.section].rows[c.row].cells[c.column] = cell }

        // Primary: 1–9 students.
        for (s, section) in sections.enumerated() {
            let studentColumns = section.columns.filter { $0.kind == .students }.map(\.key)
            for (r, row) in section.rows.enumerated() {
                for key in studentColumns {
                    if let v = row[key].number, v >= 1, v < Double(threshold) { hide(Cell(section: s, row: r, column: key), as: .suppressed) }
                }
            }
        }

        let sums = self.sums(in: sections)
        let derived = self.derivedCells(in: sections)
        var changed = true
        while changed {
            changed = false
            for sum in sums {
                let hiddenParts = sum.parts.filter { value($0).isHidden }
                let totalHidden = value(sum.total).isHidden
                guard (!totalHidden && hiddenParts.count == 1) || (totalHidden && hiddenParts.isEmpty && !sum.parts.isEmpty) else { continue }
                let visible = sum.parts.filter { !value($0).isHidden && value($0) != .missing }
                if let pick = Self.complement(among: visible, value: { value($0).number ?? 0 }) {
                    hide(pick, as: .withheld)
                } else if !totalHidden {
                    hide(sum.total, as: .withheld)
                } else {
                    continue
                }
                changed = true
            }
            for (target, sources) in derived where !value(target).isHidden && value(target) != .missing {
                if sources.contains(where: { value($0).isHidden }) {
                    hide(target, as: .withheld)
                    changed = true
                }
            }
        }
        report.sections = sections
    }

    /// The smallest visible part, preferring one that is not zero (hiding a zero protects little).
    private static func complement(among cells: [Cell], value: (Cell) -> Double) -> Cell? {
        let ordered = cells.sorted { (value($0), $0.row, $0.column) < (value($1), $1.row, $1.column) }
        return ordered.first { value($0) > 0 } ?? ordered.first
    }

    private func sums(in sections: [ReportSection]) -> [Sum] {
        var sums: [Sum] = []
        for (s, section) in sections.enumerated() {
            let totals = section.rows.indices.filter { section.rows[$0].role == .total }
            let groups = section.rows.indices.filter { section.rows[$0].role == .group }
            if let t = totals.first, !groups.isEmpty {
                for column in section.columns where column.kind == .students {
                    sums.append(Sum(total: Cell(section: s, row: t, column: column.key),
                                    parts: groups.map { Cell(section: s, row: $0, column: column.key) }))
                }
            }
            for rule in rowSums where rule.section == section.id {
                for r in section.rows.indices {
                    sums.append(Sum(total: Cell(section: s, row: r, column: rule.total),
                                    parts: rule.parts.map { Cell(section: s, row: r, column: $0) }))
                }
            }
        }
        return sums
    }

    private func derivedCells(in sections: [ReportSection]) -> [(Cell, [Cell])] {
        let index = Dictionary(uniqueKeysWithValues: sections.enumerated().map { ($0.element.id, $0.offset) })
        // Each section's rows by key (the first row of a key, as a search from the top finds it):
        // a report by school has thousands of rows, and searching them for every cell was quadratic.
        let rowIndex = sections.map { section in
            Dictionary(section.rows.enumerated().map { ($0.element.key, $0.offset) }, uniquingKeysWith: { first, _ in first })
        }
        var out: [(Cell, [Cell])] = []
        for d in derivations {
            guard let ts = index[d.target.section] else { continue }
            for (r, row) in sections[ts].rows.enumerated() {
                let sources = d.sources.compactMap { src -> Cell? in
                    guard let ss = index[src.section], let sr = rowIndex[ss][row.key] else { return nil }
                    return Cell(section: ss, row: sr, column: src.column)
                }
                out.append((Cell(section: ts, row: r, column: d.target.column), sources))
            }
        }
        return out
    }
}
