import Foundation
import Inference
import QianxueCore
import SQLKit
import Testing
import TestSupport

/// The ledger written in batches: what waits counts in budgets, a flush stores every count (rows,
/// decisions, the school's and county's daily rollups), and batches go out on their own when
/// enough rows wait or the interval passes.
@Suite struct BatchedLedgerTests {
    func entry(_ f: GatewayFixture, school: UUID?, county: String?, tokens: (Int, Int), outcome: LedgerEntry.Outcome = .completed,
               decisions: [SafetyDecision] = []) -> LedgerEntry {
        var e = LedgerEntry(userID: f.teacherA.id, schoolID: school, county: county, purpose: "chat", provider: "openai-compatible",
                            model: "m", promptTokens: tokens.0, completionTokens: tokens.1, firstTokenMilliseconds: 20,
                            durationMilliseconds: 400, outcome: outcome)
        e.decisions = decisions
        return e
    }

    @Test(arguments: TestDatabase.engines)
    func waitingRowsCountInBudgetsAndEveryCountSurvivesAFlush(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            let store = SQLInferenceLedger(database: f.platform.database)
            let ledger = BatchedInferenceLedger(store: store, interval: .seconds(600), maxRows: 1_000)
            let quotas = InferenceQuotas(database: f.platform.database, pending: ledger.pending)
            let day = PlatformCalendar.day(of: Date())
            let (a, b) = (f.schoolA.id, f.schoolB.id)
            try await quotas.set(.school(a), dailyTokens: 100)
            try await quotas.set(.county("520302"), dailyTokens: 1_000)

            try await ledger.record(entry(f, school: a, county: "520302", tokens: (10, 30)))
            try await ledger.record(entry(f, school: a, county: "520302", tokens: (20, 20)))
            #expect(try await quotas.exceeded(school: a, county: "520302", day: day) == nil, "80 of 100 tokens")
            try await ledger.record(entry(f, school: a, county: "520302", tokens: (5, 15), outcome: .stopped,
                                          decisions: [SafetyDecision(category: .violence, severity: .high, ruleID: "v-1", stage: .output)]))
            try await ledger.record(entry(f, school: b, county: "520102", tokens: (0, 0), outcome: .refused,
                                          decisions: [SafetyDecision(category: .selfHarm, severity: .high, ruleID: "s-1", stage: .input)]))
            try await ledger.record(entry(f, school: nil, county: nil, tokens: (7, 0), outcome: .failed))
            // nothing is stored yet, but this instance's budget check sees the 100 tokens waiting
            #expect(try await store.usage(school: a, day: day) == .zero)
            #expect(try await quotas.exceeded(school: a, county: "520302", day: day)?.scope == .school(a))
            #expect(try await quotas.list(day: day).first { $0.scope == .school(a) }?.usedToday == 100)

            await ledger.flush()
            #expect(ledger.pending.tokens(key: a.uuidString.lowercased(), day: day) == 0)
            #expect(try await store.usage(school: a, day: day) == DailyUsage(requests: 3, promptTokens: 35, completionTokens: 65, refused: 0, failed: 0))
            #expect(try await store.usage(school: b, day: day) == DailyUsage(requests: 1, promptTokens: 0, completionTokens: 0, refused: 1, failed: 0))
            #expect(try await store.usage(school: nil, day: day) == DailyUsage(requests: 1, promptTokens: 7, completionTokens: 0, refused: 0, failed: 1))
            let counties = try await store.usageRows(.counties(prefix: "520302", includeUnattached: false), from: day, to: day)
            #expect(counties.map(\.usage) == [DailyUsage(requests: 3, promptTokens: 35, completionTokens: 65, refused: 0, failed: 0)])
            // stored, the budget still holds; the decisions and the requests are there once each
            #expect(try await quotas.exceeded(school: a, county: "520302", day: day)?.scope == .school(a))
            let decisions = try await store.decisionCounts(day: day)
            #expect(decisions == ["output violence/high": 1, "input selfHarm/high": 1])
            let rows = try await f.platform.database.sql.raw("SELECT COUNT(*) AS n FROM inference_requests").first()
            #expect(try rows?.decode(column: "n", as: Int.self) == 5)
            // a second batch adds to the same rollup rows
            try await ledger.record(entry(f, school: a, county: "520302", tokens: (1, 1)))
            await ledger.flush()
            #expect(try await store.usage(school: a, day: day).requests == 4)
            #expect(try await store.usage(school: a, day: day).tokens == 102)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aBatchGoesOutWhenEnoughRowsWaitOrTheIntervalPasses(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            let store = SQLInferenceLedger(database: f.platform.database)
            let day = PlatformCalendar.day(of: Date())
            let full = BatchedInferenceLedger(store: store, interval: .seconds(600), maxRows: 4)
            for _ in 0..<4 { try await full.record(entry(f, school: f.schoolA.id, county: "520302", tokens: (1, 2))) }
            #expect(try await eventually { try await store.usage(school: f.schoolA.id, day: day).requests == 4 }, "four rows fill a batch")

            let timed = BatchedInferenceLedger(store: store, interval: .milliseconds(20), maxRows: 1_000)
            try await timed.record(entry(f, school: f.schoolB.id, county: "520102", tokens: (1, 2)))
            #expect(try await eventually { try await store.usage(school: f.schoolB.id, day: day).requests == 1 }, "the interval passed")
            #expect(try await eventually { timed.pending.tokens(key: f.schoolB.id.uuidString.lowercased(), day: day) == 0 })
        }
    }

    /// Whether `condition` holds within 60 seconds. A starved parallel test run can delay the
    /// batch's write task and this poll alike past the deadline, so the condition is asked once
    /// more after it.
    func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < end {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try await condition()
    }
}
