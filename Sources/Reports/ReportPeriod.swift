import Foundation
import QianxueCore

/// The time a report covers: a school term (`2026-2027-1`) or a `from`/`to` pair of days, at most two years.
public struct ReportPeriod: Sendable, Equatable {
    public let from: String
    public let to: String

    public init(term: String?, from: String?, to: String?) throws {
        if let term {
            guard from == nil, to == nil else {
                throw AppError.validation("give either period or from/to, not both", field: "period")
            }
            guard let t = AcademicTerm(term) else {
                throw AppError.validation("period '\(term)' is not a term such as 2026-2027-1", field: "period")
            }
            self.from = t.firstDay
            self.to = t.lastDay
            return
        }
        guard let from, let to else {
            throw AppError.validation("give a period (e.g. 2026-2027-1) or both from and to", field: from == nil ? "from" : "to")
        }
        guard PlatformCalendar.parseDay(from) != nil else { throw AppError.validation("from '\(from)' is not a date YYYY-MM-DD", field: "from") }
        guard PlatformCalendar.parseDay(to) != nil else { throw AppError.validation("to '\(to)' is not a date YYYY-MM-DD", field: "to") }
        guard from <= to else { throw AppError.validation("from \(from) is after to \(to)", field: "from") }
        let cal = PlatformCalendar.calendar
        let start = cal.date(from: PlatformCalendar.parseDay(from)!)!
        let end = cal.date(from: PlatformCalendar.parseDay(to)!)!
        guard let limit = cal.date(byAdding: .year, value: 2, to: start), end <= limit else {
            throw AppError.validation("a report covers at most two years", field: "to")
        }
        self.from = from
        self.to = to
    }
}
