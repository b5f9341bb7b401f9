import FluentKit
import Foundation
@testable import Persistence
import QianxueCore
import SQLKit
import Testing
import TestSupport

/// The retention purge removes audit events past the window from the start of the chain, and the
/// chain still verifies from the first event kept; nothing inside the window can go.
@Suite struct AuditRetentionTests {
    static let migrations = MigrationList(PersistenceMigrations.all)
    static let day: TimeInterval = 86_400

    /// Five events 1,300 to 1,100 days old, then three of today.
    static func agedTrail(_ log: AuditLog, now: Date = Date()) async throws {
        for (i, age) in [1300.0, 1250, 1200, 1150, 1100].enumerated() {
            try await log.append(AuditEvent(actorID: UUID(), actorRole: .teacher, action: "student.read", targetID: "old-\(i)"),
                                 at: now.addingTimeInterval(-age * day))
        }
        for i in 1...3 { try await log.append(AuditEvent(actorID: nil, actorRole: .admin, action: "login", targetID: "new-\(i)")) }
    }

    static func purge(_ db: DatabaseStack, days: Int = 1095, batchSize: Int = 2) throws -> RetentionPurge {
        RetentionPurge(database: db, rules: [try AuditRetention.rule(days: days)], batchSize: batchSize)
    }

    @Test(arguments: TestDatabase.engines)
    func oldEventsGoAndTheChainStillVerifies(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrations: Self.migrations, key: "persistence") { db in
            // given
            let log = AuditLog(database: db)
            try await Self.agedTrail(log)
            let tip = try await log.check().tip
            // when: a dry run, then the purge in batches of two, then the purge again
            let dry = try await Self.purge(db).run(dryRun: true)
            let afterDry = try await log.records().count
            let first = try await Self.purge(db).run()
            let second = try await Self.purge(db).run()
            // then
            #expect(dry.lines.map(\.rows) == [5])
            #expect(afterDry == 8)
            #expect(first.lines.map(\.rows) == [5] && first.lines.first?.action == "deleted")
            #expect(second.lines.map(\.rows) == [0])
            #expect(try await log.records().map(\.seq) == [6, 7, 8])
            let check = try await log.check()
            #expect(check == AuditCheck(events: 3, tip: tip, problem: nil, firstSeq: 6))
            // and appending goes on from the tip
            try await log.append(AuditEvent(actorID: nil, actorRole: .admin, action: "login"))
            #expect(try await log.check().problem == nil)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func onlyTheRunOfOldEventsAtTheStartGoes(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrations: Self.migrations, key: "persistence") { db in
            // given an old event after a recent one (another instance's clock far behind)
            let log = AuditLog(database: db)
            try await log.append(AuditEvent(actorID: nil, actorRole: nil, action: "a"), at: Date().addingTimeInterval(-1200 * Self.day))
            try await log.append(AuditEvent(actorID: nil, actorRole: nil, action: "b"))
            try await log.append(AuditEvent(actorID: nil, actorRole: nil, action: "c"), at: Date().addingTimeInterval(-1200 * Self.day))
            // when
            let report = try await Self.purge(db).run()
            // then
            #expect(report.total == 1)
            #expect(try await log.records().map(\.seq) == [2, 3])
            #expect(try await log.check().problem == nil)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aRecentEventDeletedByHandStillBreaksTheChain(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrations: Self.migrations, key: "persistence") { db in
            // given a purged trail
            let log = AuditLog(database: db)
            try await Self.agedTrail(log)
            _ = try await Self.purge(db).run()
            // when the first event kept is deleted by hand (triggers off, as only an owner or superuser can)
            try await AuditTamperTests.withTriggersOff(db) { try await db.sql.raw("DELETE FROM audit_events WHERE seq = 6").run() }
            // then
            let check = try await log.check()
            #expect(check.problem == "event 6 is missing (found 7 next)")
            // and the purge refuses to go on over the gap
            await #expect(throws: AppError.self) { try await Self.purge(db, batchSize: 10).run() }
        }
    }

    @Test func aWindowUnderThreeYearsIsRefused() {
        #expect(throws: AppError.self) { try AuditRetention.rule(days: 730) }
        #expect((try? AuditRetention.rule(days: 1095)) != nil)
    }

    @Test(.enabled(if: AuditAppendOnlyTests.base != nil, "needs QIANXUE_TEST_DATABASE_URL (ops/test starts a PostgreSQL)"))
    func theApplicationsRoleDeletesNoRecentEventAndMovesTheStartOverNone() async throws {
        try await AuditAppendOnlyTests().withApplicationRole { app in
            // given
            try await app.migrate(Self.migrations, logger: TestDatabase.logger)
            let log = AuditLog(database: app)
            try await Self.agedTrail(log)
            let hashOf7 = try await app.sql.raw("SELECT hash FROM audit_events WHERE seq = 7").first(decodingColumn: "hash", as: String.self)!
            // when / then: by hand, nothing recent goes, nor an old event still inside the kept chain
            for statement: SQLQueryString in [
                "DELETE FROM audit_events WHERE seq = 7", "DELETE FROM audit_events WHERE seq = 1", "DELETE FROM audit_events",
                "UPDATE audit_chain_start SET seq = 8, hash = \(bind: hashOf7)", "UPDATE audit_chain_start SET seq = 0",
                "DELETE FROM audit_chain_start", "TRUNCATE audit_chain_start",
            ] {
                await #expect(throws: (any Error).self) { try await app.sql.raw(statement).run() }
            }
            #expect(try await log.records().count == 8)
            // when the purge runs as this role
            let report = try await Self.purge(app).run()
            // then the old events are gone, the chain verifies, and recent events still cannot be deleted
            #expect(report.total == 5)
            #expect(try await log.check() == AuditCheck(events: 3, tip: try await log.records().last!.hash, problem: nil, firstSeq: 6))
            await #expect(throws: (any Error).self) { try await app.sql.raw("DELETE FROM audit_events WHERE seq = 6").run() }
            #expect(try await log.records().count == 3)
        }
    }
}
