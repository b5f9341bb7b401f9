import Foundation
import Persistence
import QianxueCore
import SQLKit
import Testing
import TestSupport

/// `qianxue audit verify` as an operator runs it, on the database `serve` would use.
@Suite struct AuditVerifyCommandTests {
    static let migrations = MigrationList(PersistenceMigrations.all)
    static let binary = Repository.root.appendingPathComponent(".build/debug/qianxue")

    /// Runs `qianxue audit verify` against the database; its exit status and output.
    static func verify(_ db: DatabaseStack) async throws -> (status: Int32, output: String) {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DATABASE_URL")
        var arguments = ["audit", "verify"]
        var copy: URL?
        defer { copy.map { try? FileManager.default.removeItem(at: $0) } }
        switch db.location {
        case .postgres(let url):
            env["DATABASE_URL"] = url
        case .sqlite(let path):
            // serve's file is <data dir>/qianxue.sqlite: give the command a copy of this one there.
            try await db.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qx-audit-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            copy = dir
            try FileManager.default.copyItem(atPath: path, toPath: dir.appendingPathComponent("qianxue.sqlite").path)
            arguments += ["--data-dir", dir.path]
        }
        let run = try await Shell.run(binary, arguments, environment: env)
        return (run.status, (run.out + run.err).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path), "needs the qianxue binary (swift build)"),
          arguments: TestDatabase.engines)
    func verifyPassesOnALiveTrailAndFailsWhenTheLastEventIsDeleted(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrations: Self.migrations, key: "persistence") { db in
            // given
            let log = AuditLog(database: db)
            var last: AuditRecord?
            for i in 1...3 { last = try await log.append(AuditEvent(actorID: nil, actorRole: .admin, action: "test.\(i)")) }
            // when
            let intact = try await Self.verify(db)
            // then
            #expect(intact.status == 0)
            #expect(intact.output == "intact: 3 events, tip \(last!.hash.prefix(16))")

            // when the last event is deleted by hand
            try await AuditTamperTests.withTriggersOff(db) { try await db.sql.raw("DELETE FROM audit_events WHERE seq = 3").run() }
            let broken = try await Self.verify(db)
            // then
            #expect(broken.status == 1)
            #expect(broken.output.hasPrefix("broken: the chain ends at event 2 but its tip says 3"))
        }
    }
}
