import Foundation
import Testing
@testable import Companion

@Suite struct UsageMeterTests {
    @Test func aMessageKeepsItsMinuteAndTheFourAfterItActive() {
        // given a first message at 10:00
        let first = UsageMeter.after(nil, messageAt: 600)
        #expect(first == UsageMeter(activeMinutes: 5, lastMinute: 600, runStartMinute: 600))

        // when the student writes again two minutes later, only the two new minutes count
        let second = UsageMeter.after(first, messageAt: 602)
        #expect(second.activeMinutes == 7)

        // and a message in the same minute counts nothing more
        #expect(UsageMeter.after(second, messageAt: 602).activeMinutes == 7)
    }

    @Test func aQuietGapEndsTheRunOfContinuousUse() {
        var m = UsageMeter.after(nil, messageAt: 600)
        for minute in stride(from: 604, through: 620, by: 4) { m = UsageMeter.after(m, messageAt: minute) }
        // every minute from 600 to 624 was active: one run of 20 minutes so far
        #expect(m.activeMinutes == 25)
        #expect(m.continuousMinutes(at: 620) == 20)
        // six quiet minutes after the last active one: the run is over, a new one starts
        m = UsageMeter.after(m, messageAt: 630)
        #expect(m.runStartMinute == 630)
        #expect(m.continuousMinutes(at: 630) == 0)
        #expect(m.continuousMinutes(at: 700) == 0)
    }

    @Test func minutesAfterMidnightAreNotCountedOnTheDay() {
        let late = UsageMeter.after(nil, messageAt: 1_438)
        #expect(late.activeMinutes == 2)
    }

    @Test func aClockStepBackCountsNothingTwice() {
        let m = UsageMeter.after(UsageMeter.after(nil, messageAt: 700), messageAt: 690)
        #expect(m == UsageMeter.after(nil, messageAt: 700))
    }

    @Test func progressCountsInstantsAsTheDailyMetersDo() throws {
        // 23:58 and 00:01 the next day in Asia/Shanghai (15:58 and 16:01 UTC), given out of order
        let lateUTC = try #require(ISO8601DateFormatter().date(from: "2026-12-01T15:58:00Z"))
        let nextDay = lateUTC.addingTimeInterval(3 * 60)
        // the evening keeps 2 minutes of its day, the morning message its own 5
        #expect(UsageMeter.activeMinutes([nextDay, lateUTC]) == 7)
        // and within one day the total is the meter's
        let a = try #require(ISO8601DateFormatter().date(from: "2026-12-01T02:00:00Z"))
        let instants = [a, a.addingTimeInterval(120), a.addingTimeInterval(600)]
        let folded = instants.reduce(nil as UsageMeter?) { UsageMeter.after($0, messageAt: UsageMeter.minuteOfDay($1)) }
        #expect(UsageMeter.activeMinutes(instants) == folded?.activeMinutes)
        #expect(UsageMeter.activeMinutes(instants) == 12)
        #expect(UsageMeter.activeMinutes([]) == 0)
    }
}
