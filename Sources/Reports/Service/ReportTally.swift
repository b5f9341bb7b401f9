import Foundation

/// Sums facts into the rows of a report: the area's total and each group row.
struct ReportTally: Sendable {
    static let total = "__total"

    private(set) var values: [String: [String: Double]] = [:]

    /// Adds `n` to `column` in the total and in every row of `keys`.
    mutating func add(_ n: Double, to column: String, rows keys: [String]) {
        values[Self.total, default: [:]][column, default: 0] += n
        for key in keys { values[key, default: [:]][column, default: 0] += n }
    }

    /// Sets a value for one row only (a figure that is not a sum, such as an average).
    mutating func set(_ v: Double, _ column: String, row: String) {
        values[row, default: [:]][column] = v
    }

    subscript(row: String, column: String) -> Double { values[row]?[column] ?? 0 }

    func has(_ row: String, _ column: String) -> Bool { values[row]?[column] != nil }

    /// The total row and the group rows, each cell computed by `cell` from the tally of that row.
    func rows(_ groups: ReportGroups, totalLabel: String, cell: (String) -> [String: ReportCell]) -> [ReportRow] {
        [ReportRow(key: "total", label: totalLabel, role: .total, cells: cell(Self.total))]
            + groups.groups.map { ReportRow(key: $0.key, label: $0.label, role: $0.role, cells: cell($0.key)) }
    }

    /// A share in percent, or missing when the whole is zero.
    static func percent(_ part: Double, of whole: Double) -> ReportCell {
        whole > 0 ? .number((part / whole * 1000).rounded() / 10) : .missing
    }

    /// A ratio to one decimal, or missing when the whole is zero.
    static func ratio(_ part: Double, per whole: Double, scale: Double = 1) -> ReportCell {
        whole > 0 ? .number((part / whole * scale * 10).rounded() / 10) : .missing
    }
}
