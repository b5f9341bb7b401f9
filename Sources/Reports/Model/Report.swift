import Foundation

/// The four regional decision reports.
public enum ReportKind: String, Sendable, Codable, CaseIterable {
    case literacy, pilotProgramme, usage, teachers

    /// The report's title as analysts read it.
    public var title: String {
        switch self {
        case .literacy: return "学生人工智能素养测评报告"
        case .pilotProgramme: return "数字化转型试点校进展报告"
        case .usage: return "人工智能使用与安全报告"
        case .teachers: return "教师人工智能培训进展报告"
        }
    }
}

/// How a report's rows are formed below the unit it covers.
public enum ReportGrouping: String, Sendable, Codable, CaseIterable {
    /// The unit's children: prefectures (and the Gui'an New Area) of the province, counties of a
    /// prefecture, schools of a county or of the Gui'an New Area.
    case region
    case school, band, locality, pilot, week
}

/// A place a report covers or a row stands for.
public struct ReportUnit: Sendable, Codable, Hashable {
    public enum Level: String, Sendable, Codable { case province, prefecture, county, area, school }
    /// A region code (`5203`), `guian` for the Gui'an New Area, or a school id.
    public let code: String
    public let name: String
    public let level: Level

    public init(code: String, name: String, level: Level) {
        self.code = code
        self.name = name
        self.level = level
    }
}

/// The days a report covers, with the term when it is one.
public struct ReportSpan: Sendable, Codable, Hashable {
    public let from: String
    public let to: String
    public let term: String?

    public init(from: String, to: String, term: String?) {
        self.from = from
        self.to = to
        self.term = term
    }
}

/// A report as every format renders it: sections of tables, each with an optional chart.
public struct Report: Sendable, Codable, Equatable {
    public var kind: ReportKind
    public var title: String
    public var unit: ReportUnit
    public var period: ReportSpan
    public var comparedTo: ReportSpan?
    public var groupBy: ReportGrouping
    public var generatedAt: Date
    public var sections: [ReportSection]
    /// Reading notes: how cells were suppressed, what a measure means.
    public var notes: [String]

    public init(kind: ReportKind, unit: ReportUnit, period: ReportSpan, comparedTo: ReportSpan? = nil,
                groupBy: ReportGrouping, generatedAt: Date, sections: [ReportSection], notes: [String] = []) {
        self.kind = kind
        self.title = kind.title
        self.unit = unit
        self.period = period
        self.comparedTo = comparedTo
        self.groupBy = groupBy
        self.generatedAt = generatedAt
        self.sections = sections
        self.notes = notes
    }

    public func section(_ id: String) -> ReportSection? { sections.first { $0.id == id } }
}

/// One table of a report.
public struct ReportSection: Sendable, Codable, Equatable {
    public var id: String
    public var title: String
    public var columns: [ReportColumn]
    public var rows: [ReportRow]
    public var chart: ReportChart?
    /// What the rows are, when not the report's grouping (a list of schools under a region grouping).
    public var rowHeading: String?

    public init(id: String, title: String, columns: [ReportColumn], rows: [ReportRow] = [], chart: ReportChart? = nil,
                rowHeading: String? = nil) {
        self.id = id
        self.title = title
        self.columns = columns
        self.rows = rows
        self.chart = chart
        self.rowHeading = rowHeading
    }

    public func column(_ key: String) -> ReportColumn? { columns.first { $0.key == key } }
    public func row(_ key: String) -> ReportRow? { rows.first { $0.key == key } }
}

/// A column: its key in JSON and CSV, its Chinese label, and what its numbers are.
public struct ReportColumn: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// A count of students (subject to small-cell suppression).
        case students
        /// Any other count: schools, teachers, sessions, tokens, minutes.
        case count
        /// A share in percent, 0–100.
        case percent
        case number, text
    }

    public let key: String
    public let label: String
    public let kind: Kind

    public init(_ key: String, _ label: String, _ kind: Kind) {
        self.key = key
        self.label = label
        self.kind = kind
    }
}

/// A row: the whole unit, one of its groups, or a unit that overlaps others (the Gui'an New Area
/// among the prefectures) and so is not part of the total.
public struct ReportRow: Sendable, Codable, Equatable {
    public enum Role: String, Sendable, Codable { case total, group, overlap }

    public let key: String
    public let label: String
    public let role: Role
    public var cells: [String: ReportCell]

    public init(key: String, label: String, role: Role, cells: [String: ReportCell] = [:]) {
        self.key = key
        self.label = label
        self.role = role
        self.cells = cells
    }

    public subscript(column: String) -> ReportCell { cells[column] ?? .missing }
}

/// A chart drawn from a section: one bar (or stacked bar) per group row, from the named columns.
public struct ReportChart: Sendable, Codable, Equatable {
    public enum Style: String, Sendable, Codable {
        /// Segments of one whole (level distributions): drawn as shares of 100 %.
        case stacked
        /// One bar per row and column, on a common axis.
        case bars
    }

    public let title: String
    public let style: Style
    public let columns: [String]

    public init(title: String, style: Style, columns: [String]) {
        self.title = title
        self.style = style
        self.columns = columns
    }
}
