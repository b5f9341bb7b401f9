import FluentKit
import Foundation
@testable import Persistence
import QianxueCore
import SQLKit
import Testing
import TestSupport

/// Someone with write access to the database edits the trail by hand; the walk of the chain finds
/// every kind of edit. (On PostgreSQL the append-only triggers are switched off first, as only the
/// tables' owner or a superuser can: the application's role cannot edit the trail at all.)
@Suite struct AuditTamperTests {
    static let migrations = MigrationList(PersistenceMigrations.all)

    /// Five events, then `edit` run by hand.
    func tampered(_ engine: DatabaseEngine, _ edit: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws -> AuditCheck {
        try await TestDatabase.with(engine, migrations: Self.migrations, key: "persistence") { db in
            let log = AuditLog(database: db)
            for i in 1...5 {
                try await log.append(AuditEvent(actorID: UUID(), actorRole: .teacher, action: "student.read", targetType: "user", targetID: "s\(i)"))
            }
            #expect(try await log.check() == AuditCheck(events: 5, tip: try await log.records().last!.hash, problem: nil))
            try await Self.withTriggersOff(db) { try await edit(db.sql) }
            return try await log.check()
        }
    }

    static func withTriggersOff(_ db: DatabaseStack, _ body: () async throws -> Void) async throws {
        guard db.isPostgres else { return try await body() }
        try await db.sql.raw("ALTER TABLE audit_events DISABLE TRIGGER USER").run()
        try await db.sql.raw("ALTER TABLE audit_chain DISABLE TRIGGER USER").run()
        try await body()
        try await db.sql.raw("ALTER TABLE audit_events ENABLE TRIGGER USER").run()
        try await db.sql.raw("ALTER TABLE audit_chain ENABLE TRIGGER USER").run()
    }

    @Test(arguments: TestDatabase.engines)
    func anAlteredRowIsFound(engine: DatabaseEngine) async throws {
        let check = try await tampered(engine) { try await $0.raw("UPDATE audit_events SET target_id = 'someone-else' WHERE seq = 3").run() }
        #expect(check.problem == "event 3 was altered")
        #expect(check.events == 2)
    }

    @Test(arguments: TestDatabase.engines)
    func anInsertedRowIsFound(engine: DatabaseEngine) async throws {
        // given a forged event after the last one, hashed and linked as the log would (the hash is no secret)
        let check = try await tampered(engine) { sql in
            let last = try await sql.raw("SELECT hash FROM audit_events WHERE seq = 5").first(decodingColumn: "hash", as: String.self)!
            let at = AuditLog.millisecondDate(Date())
            let forged = AuditEvent(actorID: nil, actorRole: nil, action: "nothing.happened")
            try await sql.raw("""
                INSERT INTO audit_events (id, seq, at, action, prev_hash, hash)
                VALUES (\(bind: UUID()), 6, \(bind: at), 'nothing.happened', \(bind: last),
                        \(bind: AuditLog.hash(seq: 6, at: at, event: forged, prevHash: last)))
                """).run()
        }
        #expect(check.problem == "the chain ends at event 6 but its tip says 5: events were deleted or added")
    }

    @Test(arguments: TestDatabase.engines)
    func aRowInsertedInTheMiddleIsFound(engine: DatabaseEngine) async throws {
        // given events 4 and 5 moved up one place to make room for a forged event 4
        let check = try await tampered(engine) { sql in
            try await sql.raw("UPDATE audit_events SET seq = seq + 10 WHERE seq >= 4").run()
            try await sql.raw("UPDATE audit_events SET seq = seq - 9 WHERE seq >= 14").run()
            let third = try await sql.raw("SELECT hash FROM audit_events WHERE seq = 3").first(decodingColumn: "hash", as: String.self)!
            try await sql.raw("""
                INSERT INTO audit_events (id, seq, at, action, prev_hash, hash)
                VALUES (\(bind: UUID()), 4, \(bind: Date()), 'nothing.happened', \(bind: third), \(bind: String(repeating: "b", count: 64)))
                """).run()
        }
        #expect(check.problem == "event 4 was altered")
    }

    @Test(arguments: TestDatabase.engines)
    func aDeletedMiddleRowIsFound(engine: DatabaseEngine) async throws {
        let check = try await tampered(engine) { try await $0.raw("DELETE FROM audit_events WHERE seq = 2").run() }
        #expect(check.problem == "event 2 is missing (found 3 next)")
    }

    @Test(arguments: TestDatabase.engines)
    func aDeletedLastRowIsFound(engine: DatabaseEngine) async throws {
        let check = try await tampered(engine) { try await $0.raw("DELETE FROM audit_events WHERE seq = 5").run() }
        #expect(check.problem == "the chain ends at event 4 but its tip says 5: events were deleted or added")
    }

    @Test(arguments: TestDatabase.engines)
    func aDeletedLastRowWithItsTipRewoundIsFound(engine: DatabaseEngine) async throws {
        // given the last event deleted and the tip set back to the event before it
        let check = try await tampered(engine) { sql in
            try await sql.raw("DELETE FROM audit_events WHERE seq = 5").run()
            let fourth = try await sql.raw("SELECT hash FROM audit_events WHERE seq = 4").first(decodingColumn: "hash", as: String.self)!
            try await sql.raw("UPDATE audit_chain SET seq = 4, hash = \(bind: fourth)").run()
        }
        #expect(check.problem?.contains("rewound") == true)
    }
}
