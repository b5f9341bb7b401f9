import FluentKit
import Foundation
import Persistence
import QianxueCore
import SQLKit
import Testing
import TestSupport

/// What `qianxue restore` checks before it touches the database, and what it does to it.
@Suite struct SQLiteRestoreTests {
    static let known = MigrationList(PersistenceMigrations.all)

    /// A migration this binary does not have, as if a newer qianxue had applied it.
    struct FromTheFuture: AsyncMigration {
        var name: String { "9999_FromTheFuture" }
        func prepare(on database: any Database) async throws {}
        func revert(on database: any Database) async throws {}
    }

    /// A migration the backup predates: this binary brings it.
    struct AddedLater: AsyncMigration {
        var name: String { "9998_AddedLater" }
        func prepare(on database: any Database) async throws {
            try await database.schema("added_later").field("id", .int, .identifier(auto: true)).create()
        }
        func revert(on database: any Database) async throws { try await database.schema("added_later").delete() }
    }

    /// A scratch folder with an SQLite database migrated with `migrations` and `events` audit events,
    /// and a backup of it taken with `backupSQLite`; the folder, the database's path and the backup.
    static func backedUp(_ migrations: MigrationList, events: Int) async throws -> (URL, String, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qx-restore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("source.sqlite").path
        let db = try await DatabaseStack.open(.sqlite(path: path), logger: TestDatabase.logger)
        let backup = dir.appendingPathComponent("backup.sqlite")
        do {
            try await db.migrate(migrations, logger: TestDatabase.logger)
            for i in 0..<events { try await AuditLog(database: db).append(AuditEvent(actorID: nil, actorRole: .admin, action: "test.\(i)")) }
            _ = try await db.backupSQLite(to: backup, replacing: false)
            await db.shutdown()
        } catch {
            await db.shutdown()
            throw error
        }
        return (dir, path, backup)
    }

    @Test func aBackupMadeByANewerBinaryIsRefusedAndNothingIsTouched() async throws {
        // given a backup with a migration this binary does not know, and a database in the way
        var newer = Self.known
        newer.add([FromTheFuture()])
        let (dir, _, backup) = try await Self.backedUp(newer, events: 1)
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("data/qianxue.sqlite").path
        try FileManager.default.createDirectory(atPath: dir.appendingPathComponent("data").path, withIntermediateDirectories: true)
        try Data("the current database".utf8).write(to: URL(fileURLWithPath: target))

        // when
        let error = await #expect(throws: BackupRefusal.self) {
            try await SQLiteRestore.restore(from: backup, to: target, migrations: Self.known, logger: TestDatabase.logger)
        }

        // then the refusal says why, and the current file is where it was, unchanged, alone
        #expect(error?.description.contains("migrated by a newer qianxue") == true, "\(String(describing: error))")
        #expect(error?.description.contains("9999_FromTheFuture") == true)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "the current database")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("data").path) == ["qianxue.sqlite"])
    }

    @Test func filesThatAreNotQianxueDatabasesAreRefused() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qx-restore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("qianxue.sqlite").path
        // given a text file, and an SQLite database of something else
        let text = dir.appendingPathComponent("notes.txt")
        try Data("not a database".utf8).write(to: text)
        let other = dir.appendingPathComponent("other.sqlite")
        let db = try await DatabaseStack.open(.sqlite(path: other.path), logger: TestDatabase.logger)
        try await db.sql.raw("CREATE TABLE t (x INTEGER)").run()
        try await db.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
        await db.shutdown()

        // when / then
        for (file, reason) in [(text, "is not an SQLite database"), (other, "is not a Qianxue database"),
                               (dir.appendingPathComponent("missing.sqlite"), "no such file")] {
            let error = await #expect(throws: BackupRefusal.self) {
                try await SQLiteRestore.restore(from: file, to: target, migrations: Self.known, logger: TestDatabase.logger)
            }
            #expect(error?.description.contains(reason) == true, "\(file.lastPathComponent): \(String(describing: error))")
        }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func anOlderBackupGoesInWithItsPendingMigrationsAndThePreviousDatabaseIsKept() async throws {
        // given a backup made before this binary's last migration, with three audit events, and a database in its place
        var newer = Self.known
        newer.add([AddedLater()])
        let (dir, _, backup) = try await Self.backedUp(Self.known, events: 3)
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("data/qianxue.sqlite").path
        let current = try await DatabaseStack.open(.sqlite(path: target), logger: TestDatabase.logger)
        try await current.migrate(newer, logger: TestDatabase.logger)
        await current.shutdown()

        // when
        let outcome = try await SQLiteRestore.restore(from: backup, to: target, migrations: newer, logger: TestDatabase.logger)

        // then the backup is in place, migrated, with its trail; the previous file is kept beside it
        #expect(outcome.migrationsApplied == 1)
        #expect(outcome.audit.problem == nil && outcome.audit.events == 3)
        #expect(outcome.backup.auditTip?.seq == 3)
        let aside = try #require(outcome.setAside)
        #expect(aside.hasPrefix(target + ".before-restore-"))
        #expect(try await SQLiteFile.inspect(URL(fileURLWithPath: aside)).auditTip?.seq == 0)
        let restored = try await SQLiteFile.inspect(URL(fileURLWithPath: target))
        #expect(restored.auditTip?.seq == 3 && restored.migrations.count == newer.migrations.count)
        #expect(try SQLiteRestore.holder(of: target) == nil)
    }
}
