import Foundation
import QianxueCore

/// Counts a student's active companion minutes (DESIGN.md §4): a minute counts when the student
/// sent a message in it or in the 4 minutes before. A run of continuous use goes on while every
/// minute is active, and ends after five quiet minutes.
struct UsageMeter: Sendable, Equatable {
    /// Minutes a message keeps active: its own and the 4 after it.
    static let reach = 5

    var activeMinutes: Int
    /// The minute of the day (0…1439, Asia/Shanghai) of the last message.
    var lastMinute: Int
    /// The minute the current run of continuous use began.
    var runStartMinute: Int

    /// The meter after a message at `minute`, starting the day's meter when there is none.
    static func after(_ meter: UsageMeter?, messageAt minute: Int) -> UsageMeter {
        let covered = min(reach, 1_440 - minute)
        guard var m = meter else { return UsageMeter(activeMinutes: covered, lastMinute: minute, runStartMinute: minute) }
        guard minute >= m.lastMinute else { return m }      // a clock step back counts nothing twice
        let coveredUntil = m.lastMinute + reach           // first minute the last message did not cover
        m.activeMinutes += max(0, min(minute + covered, 1_440) - max(coveredUntil, minute))
        if minute > coveredUntil { m.runStartMinute = minute }
        m.lastMinute = minute
        return m
    }

    /// Minutes of continuous use at `minute` (0 when the last run has ended).
    func continuousMinutes(at minute: Int) -> Int {
        minute <= lastMinute + Self.reach ? minute - runStartMinute : 0
    }

    /// Active minutes of messages sent at these instants, counted as the daily meter counts them:
    /// each Asia/Shanghai day on its own, so a message at 23:58 keeps 2 minutes of that day active.
    static func activeMinutes(_ instants: [Date]) -> Int {
        var meters: [String: UsageMeter] = [:]
        for t in instants.sorted() {
            let day = PlatformCalendar.day(of: t)
            meters[day] = after(meters[day], messageAt: minuteOfDay(t))
        }
        return meters.values.reduce(0) { $0 + $1.activeMinutes }
    }

    /// The minute of the day in Asia/Shanghai.
    static func minuteOfDay(_ date: Date) -> Int {
        let c = PlatformCalendar.calendar.dateComponents([.hour, .minute], from: date)
        return (c.hour ?? 0) * 60 + (c.minute ?? 0)
    }
}
