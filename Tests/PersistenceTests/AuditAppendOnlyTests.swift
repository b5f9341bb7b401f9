import Foundation
import Persistence
import QianxueCore
import SQLKit
import Testing
import TestSupport

/// On PostgreSQL the role the application connects as (an ordinary role that owns its database and
/// ran the migrations) cannot change or remove audit events, yet keeps appending them.
@Suite struct AuditAppendOnlyTests {
    static let migrations = MigrationList(PersistenceMigrations.all)
    static let base = ProcessInfo.processInfo.environment["QIANXUE_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// A login role without superuser rights, its own database migrated by it, for `body`.
    func withApplicationRole(_ body: (DatabaseStack) async throws -> Void) async throws {
        let base = try #require(Self.base)
        let admin = try await DatabaseStack.open(.postgres(url: base), logger: TestDatabase.logger, poolSize: 1)
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let role = "qx_app_\(suffix)", database = "qx_app_db_\(suffix)", password = "pw-\(suffix)"
        try await admin.sql.raw("CREATE ROLE \(unsafeRaw: role) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '\(unsafeRaw: password)'").run()
        try await admin.sql.raw("CREATE DATABASE \(unsafeRaw: database) OWNER \(unsafeRaw: role)").run()
        var url = URLComponents(string: base)!
        url.user = role
        url.password = password
        url.path = "/" + database
        do {
            let app = try await DatabaseStack.open(.postgres(url: url.string!), logger: TestDatabase.logger, poolSize: 1)
            do {
                try await body(app)
                await app.shutdown()
            } catch {
                await app.shutdown()
                throw error
            }
        } catch {
            try? await admin.sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: database) WITH (FORCE)").run()
            try? await admin.sql.raw("DROP ROLE IF EXISTS \(unsafeRaw: role)").run()
            await admin.shutdown()
            throw error
        }
        try await admin.sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: database) WITH (FORCE)").run()
        try await admin.sql.raw("DROP ROLE IF EXISTS \(unsafeRaw: role)").run()
        await admin.shutdown()
    }

    @Test(.enabled(if: base != nil, "needs QIANXUE_TEST_DATABASE_URL (ops/test starts a PostgreSQL)"))
    func theApplicationsRoleCannotUpdateOrDeleteAuditEvents() async throws {
        try await withApplicationRole { app in
            // given
            try await app.migrate(Self.migrations, logger: TestDatabase.logger)
            let log = AuditLog(database: app)
            for i in 1...3 { try await log.append(AuditEvent(actorID: nil, actorRole: .admin, action: "test.\(i)")) }
            #expect(try await app.sql.raw("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").first(decodingColumn: "rolsuper", as: Bool.self) == false)
            // when / then: its own privileges are gone
            for statement: SQLQueryString in ["UPDATE audit_events SET detail = 'edited' WHERE seq = 2", "DELETE FROM audit_events WHERE seq = 3",
                                              "TRUNCATE audit_events CASCADE", "DELETE FROM audit_chain", "TRUNCATE audit_chain"] {
                await #expect(throws: (any Error).self) { try await app.sql.raw(statement).run() }
            }
            // when the owner grants itself the rights back, the triggers still refuse
            try await app.sql.raw("GRANT ALL ON audit_events, audit_chain TO CURRENT_USER").run()
            for statement: SQLQueryString in ["UPDATE audit_events SET detail = 'edited' WHERE seq = 2", "DELETE FROM audit_events WHERE seq = 3",
                                              "TRUNCATE audit_events", "DELETE FROM audit_chain", "TRUNCATE audit_chain",
                                              "UPDATE audit_chain SET seq = 2, hash = (SELECT hash FROM audit_events WHERE seq = 2)"] {
                await #expect(throws: (any Error).self) { try await app.sql.raw(statement).run() }
            }
            // then it keeps appending, and the chain is whole
            try await log.append(AuditEvent(actorID: nil, actorRole: .admin, action: "test.4"))
            let check = try await log.check()
            #expect(check.problem == nil)
            #expect(check.events == 4)
        }
    }

    @Test(.enabled(if: base != nil, "needs QIANXUE_TEST_DATABASE_URL (ops/test starts a PostgreSQL)"))
    func theApplicationsRoleRevertsAndReappliesTheMigrations() async throws {
        try await withApplicationRole { app in
            // given
            try await app.migrate(Self.migrations, logger: TestDatabase.logger)
            try await AuditLog(database: app).append(AuditEvent(actorID: nil, actorRole: nil, action: "test.1"))
            // when
            let reverted = try await app.revertLastBatch(Self.migrations, logger: TestDatabase.logger)
            // then
            #expect(reverted == Self.migrations.migrations.count)
            #expect(try await app.sql.raw("SELECT to_regclass('audit_events') IS NULL AS gone").first(decodingColumn: "gone", as: Bool.self) == true)
            #expect(try await app.migrate(Self.migrations, logger: TestDatabase.logger) == Self.migrations.migrations.count)
            try await AuditLog(database: app).append(AuditEvent(actorID: nil, actorRole: nil, action: "test.2"))
            #expect(try await AuditLog(database: app).check().events == 1)
        }
    }
}
