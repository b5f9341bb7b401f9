import FluentKit
import Foundation
import Persistence
import QianxueCore
import SQLKit
import Testing
import TestSupport

@Suite struct AuditLogTests {
    static let migrations = MigrationList(PersistenceMigrations.all)

    @Test(arguments: TestDatabase.engines)
    func eventsChainAndVerify(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrations: Self.migrations, key: "persistence") { db in
            // given
            let log = AuditLog(database: db)
            let actor = UUID()
            // when
            let first = try await log.append(AuditEvent(actorID: actor, actorRole: .teacher, action: "student.read",
                                                        targetType: "user", targetID: "s1", purpose: "profile"))
            let second = try await log.append(AuditEvent(actorID: actor, actorRole: .teacher, action: "auth.login"))
            // then
            #expect(first.seq == 1)
            #expect(second.seq == 2)
            #expect(second.prevHash == first.hash)
            #expect(try await log.verify() == nil)
            let records = try await log.records()
            #expect(records.map(\.event.action) == ["student.read", "auth.login"])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func anAlteredRowIsDetected(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrations: Self.migrations, key: "persistence") { db in
            let log = AuditLog(database: db)
            for i in 0..<3 { try await log.append(AuditEvent(actorID: nil, actorRole: nil, action: "test.\(i)")) }
            try await AuditTamperTests.withTriggersOff(db) {
                try await db.sql.raw("UPDATE audit_events SET target_id = 'someone-else' WHERE seq = 2").run()
            }
            #expect(try await log.verify() == "event 2 was altered")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func deletingTheLastRowIsDetected(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrations: Self.migrations, key: "persistence") { db in
            let log = AuditLog(database: db)
            for i in 0..<3 { try await log.append(AuditEvent(actorID: nil, actorRole: nil, action: "test.\(i)")) }
            try await AuditTamperTests.withTriggersOff(db) { try await db.sql.raw("DELETE FROM audit_events WHERE seq = 3").run() }
            let problem = try #require(try await log.verify())
            #expect(problem.contains("deleted"))
        }
    }

    @Test(arguments: TestDatabase.engines)
    func concurrentAppendsKeepOneUnbrokenChain(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrations: Self.migrations, key: "persistence") { db in
            let log = AuditLog(database: db)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<20 {
                    group.addTask { try await log.append(AuditEvent(actorID: nil, actorRole: nil, action: "concurrent.\(i)")) }
                }
                try await group.waitForAll()
            }
            let records = try await log.records()
            #expect(records.map(\.seq) == Array(1...20))
            #expect(try await log.verify() == nil)
        }
    }
}
