import Foundation

/// "A day" on the platform is a calendar day in Asia/Shanghai; timestamps are UTC.
public enum PlatformCalendar {
    public static let timeZone = TimeZone(identifier: "Asia/Shanghai")!

    public static var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        return c
    }

    /// The day (`YYYY-MM-DD` in Asia/Shanghai) that an instant falls on.
    public static func day(of date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// Seconds from `date` to the next midnight in Asia/Shanghai (at least 1): when daily budgets renew.
    public static func secondsUntilNextDay(after date: Date) -> Int {
        let start = calendar.startOfDay(for: date)
        let next = calendar.date(byAdding: .day, value: 1, to: start)!
        return max(1, Int(next.timeIntervalSince(date).rounded(.up)))
    }

    /// Parses `YYYY-MM-DD` strictly (a real calendar date).
    public static func parseDay(_ text: String) -> DateComponents? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        let comps = DateComponents(year: y, month: m, day: d)
        guard let date = calendar.date(from: comps) else { return nil }
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        guard back.year == y, back.month == m, back.day == d else { return nil }
        return comps
    }

    /// The day `offset` days after `day` (before, when negative); nil when `day` is not a day.
    public static func day(_ day: String, plus offset: Int) -> String? {
        guard let comps = parseDay(day), let date = calendar.date(from: comps),
              let moved = calendar.date(byAdding: .day, value: offset, to: date) else { return nil }
        return self.day(of: moved)
    }

    /// Every day from `first` through `last`, oldest first (empty when `last` is before `first`).
    public static func days(from first: String, through last: String) -> [String] {
        var out: [String] = []
        var d = first
        while d <= last, parseDay(d) != nil {
            out.append(d)
            guard let next = day(d, plus: 1) else { break }
            d = next
        }
        return out
    }
}

/// A school term: `YYYY-YYYY-1` (autumn, from 1 September) or `YYYY-YYYY-2` (spring).
public struct AcademicTerm: Sendable, Hashable, CustomStringConvertible {
    public let startYear: Int
    public let half: Int

    public init?(_ text: String) {
        let p = text.split(separator: "-")
        guard p.count == 3, let a = Int(p[0]), let b = Int(p[1]), let h = Int(p[2]),
              p[0].count == 4, b == a + 1, h == 1 || h == 2 else { return nil }
        startYear = a
        half = h
    }

    /// The term that a day falls in: September–January is the autumn term, February–August spring.
    public init(containing date: Date) {
        let c = PlatformCalendar.calendar.dateComponents([.year, .month], from: date)
        let y = c.year!, m = c.month!
        if m >= 9 { startYear = y; half = 1 } else if m == 1 { startYear = y - 1; half = 1 } else { startYear = y - 1; half = 2 }
    }

    public var description: String { "\(startYear)-\(startYear + 1)-\(half)" }
}
