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
        // Asia/Shanghai has been UTC+8 without daylight saving since 1991: from then on the day is
        // plain arithmetic (the ledger asks on every request); before, the time-zone database.
        let seconds = date.timeIntervalSince1970
        guard seconds >= 694_224_000, seconds < 32_503_680_000 else {    // 1992-01-01 … 3000-01-01
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            return format(year: c.year!, month: c.month!, day: c.day!)
        }
        let (y, m, d) = civil(daysSinceEpoch: (Int(seconds) + 8 * 3600) / 86_400)
        return format(year: y, month: m, day: d)
    }

    /// Year, month and day of a count of days since 1970-01-01 (proleptic Gregorian; H. Hinnant's
    /// `civil_from_days`).
    static func civil(daysSinceEpoch z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func format(year: Int, month: Int, day: Int) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let y = String(year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + two(month) + "-" + two(day)
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

    /// The Monday of the week `day` falls in (weeks run Monday to Sunday, as in China's school
    /// calendars); `day` itself when it is not a day.
    public static func weekStart(ofDay day: String) -> String {
        guard let comps = parseDay(day), let date = calendar.date(from: comps) else { return day }
        let weekday = calendar.component(.weekday, from: date)  // 1 = Sunday
        return self.day(day, plus: -((weekday + 5) % 7)) ?? day
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

    /// The term's first day, `YYYY-MM-DD`: 1 September or 1 February.
    public var firstDay: String { half == 1 ? "\(startYear)-09-01" : "\(startYear + 1)-02-01" }
    /// The term's last day: 31 January or 31 August.
    public var lastDay: String { half == 1 ? "\(startYear + 1)-01-31" : "\(startYear + 1)-08-31" }
    /// The instant the term begins and the instant the next one begins (midnight in Asia/Shanghai):
    /// a time `t` is in the term when `start <= t < end`.
    public var start: Date { PlatformCalendar.calendar.date(from: PlatformCalendar.parseDay(firstDay)!)! }
    public var end: Date { PlatformCalendar.calendar.date(from: PlatformCalendar.parseDay(PlatformCalendar.day(lastDay, plus: 1)!)!)! }
}
