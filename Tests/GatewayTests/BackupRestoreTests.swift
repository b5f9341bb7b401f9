import Foundation
import Persistence
import SQLKit
import Testing
import TestSupport

/// `qianxue backup` and `restore` as an operator runs them (#10 item 8): a backup taken while the
/// server serves and writes restores to a server that answers the same.
@Suite struct BackupRestoreTests {
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["QIANXUE_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// PostgreSQL's client programs of the newest installed version (Debian's postgresql package).
    static var postgresBin: String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap { Int($0) }.sorted()
        guard let newest = versions.last else { return nil }
        let bin = "\(root)/\(newest)/bin"
        return FileManager.default.isExecutableFile(atPath: bin + "/pg_restore") ? bin : nil
    }

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qx-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test(.enabled(if: QianxueBinary.exists, "needs the qianxue binary (swift build)"))
    func anSQLiteBackupTakenWhileServingRestoresToAServerThatAnswersTheSame() async throws {
        // given a seeded platform on SQLite
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let source = QianxueBinary(dataDir: root.appendingPathComponent("a"), databaseURL: nil)
        let target = QianxueBinary(dataDir: root.appendingPathComponent("b"), databaseURL: nil)
        let file = root.appendingPathComponent("backup.sqlite")
        let passwords = try await BackupScenario.seed(source)

        // when a backup is taken while it serves and a writer keeps writing, then restored elsewhere
        let trip = try await BackupRoundTrip.run(source: source, restoredTo: target, passwords: passwords, backup: { served in
            let backup = try await source.run(["backup", "--to", file.path])
            #expect(backup.status == 0, "\(backup.out) \(backup.err)")
            #expect(backup.out.hasPrefix("backed up sqlite ") && backup.out.contains("\(file.path): ") && backup.out.contains("audit tip"), "\(backup.out)")
            // a second backup to the same file is refused without --force
            let again = try await source.run(["backup", "--to", file.path])
            #expect(again.status != 0 && again.err.contains("exists; pass --force"), "\(again.out) \(again.err)")
            // restoring over the served database is refused and names the server's process
            let over = try await source.run(["restore", "--from", file.path])
            #expect(over.status != 0 && over.err.contains("in use by process \(served.pid)"), "\(over.out) \(over.err)")
        }, restore: {
            let restore = try await target.run(["restore", "--from", file.path])
            #expect(restore.status == 0, "\(restore.out) \(restore.err)")
            #expect(restore.out.contains("applied 0 pending migration(s)") && restore.out.contains("audit trail intact"), "\(restore.out)")
        })

        // then
        Self.expectTheSameAnswers(trip)
    }

    @Test(.enabled(if: QianxueBinary.exists && postgresURL != nil && postgresBin != nil,
                   "needs the qianxue binary, QIANXUE_TEST_DATABASE_URL and PostgreSQL's client programs"))
    func aPostgresDumpRestoredIntoAFreshDatabaseServesTheSameAnswers() async throws {
        // given a seeded platform in a database of its own, owned by the role the gateway connects as
        let base = try #require(Self.postgresURL), bin = try #require(Self.postgresBin)
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        let role = "qx_app_\(tag)", sourceDB = "qx_bk_src_\(tag)", targetDB = "qx_bk_dst_\(tag)"
        func url(_ database: String) -> String {
            var c = URLComponents(string: base)!
            c.user = role
            c.password = nil
            c.path = "/" + database
            return c.string!
        }
        let admin = try await DatabaseStack.open(.postgres(url: base), logger: TestDatabase.logger, poolSize: 1)
        try await admin.sql.raw("CREATE ROLE \(unsafeRaw: role) LOGIN").run()
        try await admin.sql.raw("CREATE DATABASE \(unsafeRaw: sourceDB) OWNER \(unsafeRaw: role)").run()
        let source = QianxueBinary(dataDir: root.appendingPathComponent("a"), databaseURL: url(sourceDB), extraPath: bin)
        let target = QianxueBinary(dataDir: root.appendingPathComponent("b"), databaseURL: url(targetDB))
        let file = root.appendingPathComponent("qianxue.dump")

        do {
            let passwords = try await BackupScenario.seed(source)

            // when qianxue backup runs pg_dump while the server writes, and the README's procedure
            // restores the dump into a fresh database as the same role
            let trip = try await BackupRoundTrip.run(source: source, restoredTo: target, passwords: passwords, backup: { _ in
                let backup = try await source.run(["backup", "--to", file.path])
                #expect(backup.status == 0, "\(backup.out) \(backup.err)")
                #expect(backup.out.hasPrefix("dumped postgres://\(role)@") && backup.out.contains(file.path), "\(backup.out)")
            }, restore: {
                try await admin.sql.raw("CREATE DATABASE \(unsafeRaw: targetDB) OWNER \(unsafeRaw: role)").run()
                let restore = try await Shell.run(URL(fileURLWithPath: "\(bin)/pg_restore"),
                                                  ["--exit-on-error", "--single-transaction", "--dbname=\(url(targetDB))", file.path])
                #expect(restore.status == 0, "\(restore.out) \(restore.err)")
            })

            // then
            Self.expectTheSameAnswers(trip)
            // and the audit trail stays append-only for the role: the REVOKEs and triggers came through
            let restored = try await DatabaseStack.open(.postgres(url: url(targetDB)), logger: TestDatabase.logger, poolSize: 1)
            let rights = try await restored.sql.raw("""
                SELECT has_table_privilege('audit_events', 'UPDATE') AS may_update, has_table_privilege('audit_events', 'INSERT') AS may_insert
                """).first()
            #expect(try rights?.decode(column: "may_update", as: Bool.self) == false)
            #expect(try rights?.decode(column: "may_insert", as: Bool.self) == true)
            await #expect(throws: (any Error).self) { try await restored.sql.raw("DELETE FROM audit_chain").run() }
            await restored.shutdown()
        } catch {
            Issue.record(error)
        }
        for database in [sourceDB, targetDB] {
            try? await admin.sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: database) WITH (FORCE)").run()
        }
        try? await admin.sql.raw("DROP ROLE IF EXISTS \(unsafeRaw: role)").run()
        await admin.shutdown()
    }

    /// The restored server answers the scenario's reads as the source did before the backup; its
    /// schools are the ones acknowledged before the backup began and some written during it, each
    /// as the source lists it, but none sent after it ended; the audit trail verifies.
    static func expectTheSameAnswers(_ trip: BackupRoundTrip) {
        #expect(trip.before.count == 7 && trip.before.values.allSatisfy { $0.hasPrefix("200 ") }, "\(trip.before)")
        for (read, answer) in trip.before {
            #expect(trip.restored[read] == answer, "\(read)\nsource:   \(answer)\nrestored: \(trip.restored[read] ?? "none")")
        }
        #expect(trip.writeFailures.isEmpty, "\(trip.writeFailures)")
        let restored = Set(trip.schoolsRestored.keys), source = Set(trip.schoolsOnSource.keys)
        #expect(trip.acknowledgedBeforeBackup.isSubset(of: restored), "missing: \(trip.acknowledgedBeforeBackup.subtracting(restored))")
        #expect(restored.isSubset(of: source) && restored.count < source.count, "restored \(restored.count), source \(source.count)")
        #expect(!trip.sentAfterBackup.isEmpty && trip.sentAfterBackup.isDisjoint(with: restored),
                "written after the backup ended, yet restored: \(trip.sentAfterBackup.intersection(restored))")
        for id in restored where trip.schoolsRestored[id] != trip.schoolsOnSource[id] {
            Issue.record("school \(id): restored \(trip.schoolsRestored[id] ?? "") vs source \(trip.schoolsOnSource[id] ?? "")")
        }
        #expect(trip.auditVerify?.status == 0 && trip.auditVerify?.out.hasPrefix("intact: ") == true,
                "\(trip.auditVerify.map { "\($0.out) \($0.err)" } ?? "")")
    }
}
