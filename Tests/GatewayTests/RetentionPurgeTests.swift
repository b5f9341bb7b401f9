import Foundation
@testable import Gateway
import HummingbirdTesting
import Persistence
import QianxueCore
import SQLKit
import Testing
import TestSupport

/// The retention purge over a platform's data of several ages: chat text past the window is
/// blanked, recent text stays, aggregates and counts do not move, and a second run finds nothing.
@Suite struct RetentionPurgeTests {
    static let day: TimeInterval = 86_400

    /// Two sessions of student A: one 300 days old with three messages and a summary, one with
    /// messages 181 and 179 days old and of today; two idempotency keys (10 days, 1 day); an old
    /// flag, usage row and ledger day. Returns the session ids.
    static func agedData(_ f: GatewayFixture) async throws -> (old: UUID, recent: UUID) {
        let sql = f.platform.database.sql, now = Date()
        func ago(_ days: Double) -> Date { now.addingTimeInterval(-days * day) }
        let old = UUID(), recent = UUID()
        for (id, created, last, summary) in [(old, ago(300), ago(300), "旧的摘要"), (recent, ago(181), now, "最近的摘要")] {
            try await sql.insert(into: "companion_sessions")
                .columns("id", "student_id", "school_id", "lesson_slug", "mode", "status", "summary", "created_at", "last_message_at")
                .values(SQLBind(id), SQLBind(f.studentA.id), SQLBind(f.schoolA.id), SQLBind("free-study"), SQLBind("free"), SQLBind("open"),
                        SQLBind(summary), SQLBind(created), SQLBind(last))
                .run()
        }
        let messages: [(UUID, Int, String, String, Date)] = [
            (old, 1, "student", "我叫小明，住在遵义", ago(300)), (old, 2, "companion", "你好小明", ago(300)), (old, 3, "student", "谢谢", ago(300)),
            (recent, 1, "student", "半年前的话", ago(181)), (recent, 2, "companion", "179 天前的回答", ago(179)), (recent, 3, "student", "今天的话", now),
        ]
        for (session, seq, role, content, at) in messages {
            try await sql.insert(into: "companion_messages").columns("id", "session_id", "seq", "role", "content", "ai_generated", "created_at")
                .values(SQLBind(UUID()), SQLBind(session), SQLBind(seq), SQLBind(role), SQLBind(content), SQLBind(role == "companion"), SQLBind(at))
                .run()
        }
        for (key, at) in [("k-old", ago(10)), ("k-new", ago(1))] {
            try await sql.insert(into: "idempotency_keys").columns("id", "scope", "key", "request_hash", "state", "created_at")
                .values(SQLBind(UUID()), SQLBind("test"), SQLBind(key), SQLBind("h"), SQLBind("pending"), SQLBind(at)).run()
        }
        try await sql.insert(into: "student_safety_flags")
            .columns("id", "student_id", "school_id", "session_id", "category", "severity", "rule_id", "status", "escalated", "created_at", "alert_attempts")
            .values(SQLBind(UUID()), SQLBind(f.studentA.id), SQLBind(f.schoolA.id), SQLBind(old), SQLBind("personal-data"), SQLBind("low"),
                    SQLBind("pii.address"), SQLBind("open"), SQLBind(false), SQLBind(ago(300)), SQLBind(0))
            .run()
        try await sql.insert(into: "companion_usage").columns("id", "student_id", "day", "active_minutes", "last_minute", "run_start_minute")
            .values(SQLBind(UUID()), SQLBind(f.studentA.id), SQLBind(PlatformCalendar.day(of: ago(300))), SQLBind(12), SQLBind(600), SQLBind(590))
            .run()
        try await sql.insert(into: "inference_usage_daily")
            .columns("school_key", "day", "requests", "prompt_tokens", "completion_tokens", "refused", "failed")
            .values(SQLBind(f.schoolA.id.uuidString), SQLBind(PlatformCalendar.day(of: ago(300))), SQLBind(3), SQLBind(300), SQLBind(90), SQLBind(0), SQLBind(0))
            .run()
        _ = try await ReportRollups.rebuild(platform: f.platform)
        return (old, recent)
    }

    /// Every row of the tables that count rather than quote, and of the sessions, flags and
    /// messages without their text.
    static func aggregates(_ db: DatabaseStack) async throws -> [String] {
        let queries = [Rollups.usage, Rollups.literacy, Rollups.teacherWeeks, Rollups.enrolment, "inference_usage_daily", "companion_usage"]
            .map { "SELECT '\($0)', * FROM \($0)" } + [
            "SELECT 'flag', id, session_id, category, severity, rule_id, status, CAST(created_at AS TEXT) FROM student_safety_flags",
            "SELECT 'session', id, student_id, school_id, status, CAST(created_at AS TEXT), CAST(last_message_at AS TEXT) FROM companion_sessions",
            "SELECT 'message', id, session_id, seq, role, ai_generated, CAST(created_at AS TEXT) FROM companion_messages",
        ]
        var out: [String] = []
        for q in queries { out += try await TextRows.all(q, on: db.db).map { $0.map { $0 ?? "-" }.joined(separator: " ") } }
        return out.sorted()
    }

    static func texts(_ db: DatabaseStack) async throws -> [String] {
        try await TextRows.all("SELECT content FROM companion_messages ORDER BY created_at, seq", on: db.db).map { $0[0] ?? "-" }
    }

    static func sessionSummaries(_ db: DatabaseStack) async throws -> [String] {
        try await TextRows.all("SELECT summary FROM companion_sessions ORDER BY created_at", on: db.db).map { $0[0] ?? "-" }
    }

    @Test(arguments: TestDatabase.engines)
    func oldChatTextIsBlankedAndEverythingThatCountsStays(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            // given
            _ = try await Self.agedData(f)
            let db = f.platform.database
            let before = try await Self.aggregates(db)
            let purge = try f.platform.retentionPurge(batchSize: 2)
            // when: a dry run
            let dry = try await purge.run(dryRun: true)
            // then it counts and changes nothing
            let counts = ["companion message text": 4, "companion session summaries": 1, "idempotency keys": 1, "audit events": 0]
            #expect(Dictionary(uniqueKeysWithValues: dry.lines.map { ($0.name, $0.rows) }) == counts)
            #expect(try await Self.texts(db).filter(\.isEmpty).isEmpty)
            #expect(try await TextRows.all("SELECT key FROM idempotency_keys", on: db.db).count == 2)

            // when: the purge, in batches of two
            let report = try await purge.run()
            // then the text of 180 days ago and before is blank, the rest is word for word
            #expect(Dictionary(uniqueKeysWithValues: report.lines.map { ($0.name, $0.rows) }) == counts)
            #expect(try await Self.texts(db) == ["", "", "", "", "179 天前的回答", "今天的话"])
            #expect(try await Self.sessionSummaries(db) == ["-", "最近的摘要"])
            #expect(try await TextRows.all("SELECT key FROM idempotency_keys", on: db.db).map { $0[0] } == ["k-new"])
            // and every row that counts is as it was, before and after a rebuild of the rollups from raw rows
            #expect(try await Self.aggregates(db) == before)
            _ = try await ReportRollups.rebuild(platform: f.platform)
            #expect(try await Self.aggregates(db) == before)
            #expect(try await f.platform.audit.check().problem == nil)

            // when: the purge again
            let again = try await purge.run()
            // then it finds nothing more
            #expect(again.total == 0 && !again.skipped)
        }
    }

    @Test(.enabled(if: TestDatabase.engines.contains(.postgres), "needs QIANXUE_TEST_DATABASE_URL"))
    func aPurgeWhileAnotherRunsSkips() async throws {
        try await GatewayFixture.with(.postgres) { f in
            // given another purge holding the lock on one of the pool's connections
            _ = try await Self.agedData(f)
            let purge = try f.platform.retentionPurge()
            let report = try await f.platform.database.db.withConnection { conn in
                let sql = conn as! any SQLDatabase
                try await sql.raw("SELECT pg_advisory_lock(\(bind: RetentionPurge.lockKey))").run()
                // when
                let r = try await purge.run()
                try await sql.raw("SELECT pg_advisory_unlock(\(bind: RetentionPurge.lockKey))").run()
                return r
            }
            // then it touched nothing, and once the lock is free the purge runs
            #expect(report.skipped && report.summary.contains("skipped"))
            #expect(try await Self.texts(f.platform.database).filter(\.isEmpty).isEmpty)
            #expect(try await purge.run().total == 6)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func serveRunsThePurgeAfterItsStartupDelay(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine, configure: { $0.retention.purgeHour = 3; $0.retention.startupDelay = .milliseconds(100) }) { f in
            // given
            _ = try await Self.agedData(f)
            // when the server runs for a moment
            let database = f.platform.database
            let blanked = try await f.app().testLive { _ in
                var n = 0
                for _ in 0..<600 where n < 4 {   // up to a minute: ops/test's parallel phase is slow
                    try await Task.sleep(for: .milliseconds(100))
                    n = try await Self.texts(database).filter(\.isEmpty).count
                }
                return n
            }
            // then the old text is gone
            #expect(blanked == 4)
        }
    }

    @Test func theDailyPurgeWaitsForItsHourInShanghai() {
        // 2026-11-30 02:00 in Shanghai is 2026-11-29 18:00 UTC
        let twoAM = Date(timeIntervalSince1970: 1_795_975_200)
        #expect(RetentionSchedule.secondsUntil(hour: 3, after: twoAM) == 3600)
        #expect(RetentionSchedule.secondsUntil(hour: 2, after: twoAM) == 86_400)
        #expect(RetentionSchedule.secondsUntil(hour: 1, after: twoAM) == 23 * 3600)
    }

    @Test func aCutoffIsMidnightInShanghaiTheWindowsDaysBefore() {
        // 2026-11-30 02:00 in Shanghai: 180 days back is 2026-06-03, from 00:00 (+08:00)
        let twoAM = Date(timeIntervalSince1970: 1_795_975_200)
        let cutoff = RetentionPurge.cutoff(days: 180, now: twoAM)
        #expect(PlatformCalendar.day(of: cutoff) == "2026-06-03")
        #expect(PlatformCalendar.day(of: cutoff.addingTimeInterval(-1)) == "2026-06-02")
    }
}
