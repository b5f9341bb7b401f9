import Foundation
import QianxueCore

/// The parameters of a report pull, as the API takes them.
public struct ReportQuery: Sendable {
    public var region: String?
    /// A term such as `2026-2027-1`; or `from`/`to` days.
    public var period: String?
    public var from: String?
    public var to: String?
    /// The literacy report's second term, to show the change between the two.
    public var compareTo: String?
    public var groupBy: String?

    public init(region: String? = nil, period: String? = nil, from: String? = nil, to: String? = nil,
                compareTo: String? = nil, groupBy: String? = nil) {
        self.region = region
        self.period = period
        self.from = from
        self.to = to
        self.compareTo = compareTo
        self.groupBy = groupBy
    }

    /// The groupings each report offers.
    public static func groupings(of kind: ReportKind) -> [ReportGrouping] {
        switch kind {
        case .literacy: return [.region, .school, .band, .locality, .pilot]
        case .usage: return [.region, .school, .locality, .pilot, .week]
        case .teachers: return [.region, .school, .locality, .pilot]
        case .pilotProgramme: return [.region]
        }
    }

    func grouping(for kind: ReportKind) throws -> ReportGrouping {
        guard let text = groupBy else { return .region }
        let offered = Self.groupings(of: kind)
        guard let g = ReportGrouping(rawValue: text), offered.contains(g) else {
            throw AppError.validation("groupBy '\(text)' is not a grouping of this report; use one of \(offered.map(\.rawValue).joined(separator: ", "))",
                                      field: "groupBy")
        }
        return g
    }

    /// The period, defaulting to the current term. The literacy report counts each student once
    /// per term, so its `from`/`to` must lie within one term and stand for that term.
    func period(for kind: ReportKind, today: String) throws -> ReportSpan {
        if period == nil, from == nil, to == nil {
            let term = AcademicTerm(containing: PlatformCalendar.calendar.date(from: PlatformCalendar.parseDay(today)!)!).description
            return try span(ReportPeriod(term: term, from: nil, to: nil), term: term)
        }
        let p = try ReportPeriod(term: period, from: from, to: to)
        if let period { return try span(p, term: period) }
        if kind == .literacy {
            let first = Self.term(containing: p.from), last = Self.term(containing: p.to)
            guard first == last else {
                throw AppError.validation("the literacy report counts each student once per term: from and to must lie in one term, or give period", field: "to")
            }
            return ReportSpan(from: p.from, to: p.to, term: first)
        }
        return ReportSpan(from: p.from, to: p.to, term: nil)
    }

    func comparison() throws -> ReportSpan? {
        guard let compareTo else { return nil }
        do {
            return try span(ReportPeriod(term: compareTo, from: nil, to: nil), term: compareTo)
        } catch {
            throw AppError.validation("compareTo '\(compareTo)' is not a term such as 2025-2026-2", field: "compareTo")
        }
    }

    private func span(_ p: ReportPeriod, term: String) throws -> ReportSpan {
        ReportSpan(from: p.from, to: p.to, term: term)
    }

    static func term(containing day: String) -> String {
        AcademicTerm(containing: PlatformCalendar.calendar.date(from: PlatformCalendar.parseDay(day)!)!).description
    }
}
