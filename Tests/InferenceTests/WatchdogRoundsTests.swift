import Foundation
@testable import Inference
import Synchronization
import Testing

/// The deadlines of streamed answers, checked on one ticking task (`WatchdogRounds`).
@Suite struct WatchdogRoundsTests {
    static func settings(firstToken: Duration, idle: Duration, total: Duration = .seconds(60)) -> OpenAISettings {
        var s = OpenAISettings()
        s.firstToken = firstToken
        s.idle = idle
        s.total = total
        return s
    }

    @Test func aPassedDeadlineStopsItsAnswerOnceAndTheTaskEndsWithTheLastAnswer() async throws {
        let settings = Self.settings(firstToken: .milliseconds(200), idle: .milliseconds(200))
        let rounds = WatchdogRounds(settings: settings)
        #expect(rounds.tick == .milliseconds(10))
        let hung = StreamWatchdog(settings: settings), done = StreamWatchdog(settings: settings)
        let calls = Mutex(0), doneCalls = Mutex(0)
        rounds.watch(hung) { calls.withLock { $0 += 1 } }
        rounds.watch(done) { doneCalls.withLock { $0 += 1 } }
        #expect(rounds.isTicking && rounds.watchedCount == 2)
        rounds.unwatch(done)                                   // this answer ended before its deadline
        let start = ContinuousClock.now
        // ops/test's parallel phase can starve a task for seconds: wait long, assert only the lower bound
        while calls.withLock({ $0 }) == 0, ContinuousClock.now - start < .seconds(60) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(ContinuousClock.now - start >= .milliseconds(190))
        #expect(hung.expiry == .timeout(.firstToken))
        try await Task.sleep(for: .milliseconds(100))
        #expect(calls.withLock { $0 } == 1 && doneCalls.withLock { $0 } == 0 && done.expiry == nil)
        #expect(!rounds.isTicking && rounds.watchedCount == 0)
        // watched again, it ticks again
        let next = StreamWatchdog(settings: settings)
        rounds.watch(next) {}
        #expect(rounds.isTicking)
        rounds.unwatch(next)
    }

    @Test func textMovesTheDeadlineToTheIdleTimeoutAndTheTotalStillHolds() throws {
        let settings = Self.settings(firstToken: .seconds(10), idle: .seconds(2), total: .seconds(30))
        let w = StreamWatchdog(settings: settings)
        #expect(!w.expire(at: w.start + .seconds(9)))
        #expect(w.expire(at: w.start + .seconds(10)) && w.expiry == .timeout(.firstToken))
        let talking = StreamWatchdog(settings: settings)
        talking.text()
        #expect(!talking.expire(at: .now + .seconds(1)))
        #expect(talking.expire(at: .now + .seconds(3)) && talking.expiry == .timeout(.idle))
        let long = StreamWatchdog(settings: Self.settings(firstToken: .seconds(100), idle: .seconds(100), total: .seconds(5)))
        #expect(long.expire(at: long.start + .seconds(5)) && long.expiry == .timeout(.total))
        #expect(WatchdogRounds(settings: OpenAISettings()).tick == .milliseconds(250))
    }
}
