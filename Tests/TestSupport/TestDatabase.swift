import Foundation
import Logging
import Persistence
import SQLKit

/// A database engine the database tests run on.
public enum DatabaseEngine: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres
    public var description: String { rawValue }
}

/// Fresh, migrated databases for tests: an SQLite file per test, and on PostgreSQL (when
/// `QIANXUE_TEST_DATABASE_URL` names a server, as `ops/test` does) a database per test copied from a
/// template that was migrated once — the Swift Package Index trick.
public enum TestDatabase {
    /// SQLite always; PostgreSQL when a server is given.
    public static var engines: [DatabaseEngine] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["QIANXUE_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var logger: Logger {
        var l = Logger(label: "test")
        l.logLevel = .warning
        return l
    }

    /// Runs `body` with a fresh database holding `migrations` (named by `key`, which identifies the
    /// migration set for the PostgreSQL template), and removes it afterwards.
    public static func with<T>(
        _ engine: DatabaseEngine, migrations: MigrationList, key: String,
        test: String = #function, _ body: (DatabaseStack) async throws -> T
    ) async throws -> T {
        EngineLog.record(engine: engine, test: test)
        switch engine {
        case .sqlite:
            let template = try await SQLiteTemplates.shared.template(key: key, migrations: migrations)
            let path = SQLiteTemplates.directory.appendingPathComponent("\(UUID().uuidString).sqlite").path
            try FileManager.default.copyItem(atPath: template, toPath: path)
            // The one connection's waiters get a minute, as PostgreSQL's do: on two saturated cores in
            // ops/test's parallel phase the server's default 5 s turned slow tests into failed ones.
            let db = try await DatabaseStack.open(.sqlite(path: path), logger: logger, poolTimeout: .seconds(60))
            defer {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            do {
                try await db.migrate(migrations, logger: logger)
                let result = try await body(db)
                await db.shutdown()
                return result
            } catch {
                await db.shutdown()
                throw error
            }
        case .postgres:
            guard let base = postgresURL else { throw TestSetupError("QIANXUE_TEST_DATABASE_URL is not set") }
            let name = try await PostgresTemplates.shared.freshDatabase(base: base, key: key, migrations: migrations)
            // QIANXUE_TEST_PG_POOL_SIZE (connections per event loop, default 2): 1 shows a request that
            // needs a second connection while it holds one (a pool deadlock) at once instead of under load.
            let poolSize = ProcessInfo.processInfo.environment["QIANXUE_TEST_PG_POOL_SIZE"].flatMap(Int.init) ?? 2
            let db = try await DatabaseStack.open(.postgres(url: PostgresTemplates.url(base, database: name)), logger: logger,
                                                  poolSize: poolSize, poolTimeout: .seconds(60))
            do {
                let result = try await body(db)
                await db.shutdown()
                await PostgresTemplates.shared.drop(base: base, database: name)
                return result
            } catch {
                await db.shutdown()
                await PostgresTemplates.shared.drop(base: base, database: name)
                throw error
            }
        }
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// Migrates an SQLite file once per migration set; tests get a copy of it.
actor SQLiteTemplates {
    static let shared = SQLiteTemplates()
    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qianxue-tests")
    private var templates: [String: Task<String, any Error>] = [:]

    func template(key: String, migrations: MigrationList) async throws -> String {
        if let t = templates[key] { return try await t.value }
        let task = Task {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            let path = Self.directory.appendingPathComponent("template-\(key)-\(UUID().uuidString).sqlite").path
            let db = try await DatabaseStack.open(.sqlite(path: path), logger: TestDatabase.logger)
            do {
                try await db.migrate(migrations, logger: TestDatabase.logger)
                // Fold the write-ahead log into the file, so that copying the file copies everything.
                try await db.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
                await db.shutdown()
            } catch {
                await db.shutdown()
                throw error
            }
            return path
        }
        templates[key] = task
        return try await task.value
    }
}

/// Makes template databases once per migration set and copies them per test. Work that must
/// happen once is kept as a task, so that concurrent tests (actor reentrancy) share it.
actor PostgresTemplates {
    static let shared = PostgresTemplates()
    private var templates: [String: Task<String, any Error>] = [:]
    private var admin: Task<DatabaseStack, any Error>?
    private let runID = "\(ProcessInfo.processInfo.processIdentifier)_\(Int(Date().timeIntervalSince1970) % 100_000)"

    static func url(_ base: String, database: String) -> String {
        var c = URLComponents(string: base)!
        c.path = "/" + database
        return c.string!
    }

    private func adminDB(_ base: String) async throws -> DatabaseStack {
        if let admin { return try await admin.value }
        let task = Task {
            // Tests run in parallel and each wants a database copied: allow a queue.
            let stack = try await DatabaseStack.open(.postgres(url: base), logger: TestDatabase.logger, poolSize: 2, poolTimeout: .seconds(120))
            EngineLog.recordVersion(try await stack.serverVersion())
            return stack
        }
        admin = task
        return try await task.value
    }

    private func template(base: String, key: String, migrations: MigrationList) async throws -> String {
        if let t = templates[key] { return try await t.value }
        let admin = try await adminDB(base)
        if let t = templates[key] { return try await t.value }
        let name = "qx_tpl_\(key)_\(runID)".lowercased()
        let task = Task {
            try await admin.sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name)").run()
            try await admin.sql.raw("CREATE DATABASE \(unsafeRaw: name)").run()
            let db = try await DatabaseStack.open(.postgres(url: Self.url(base, database: name)), logger: TestDatabase.logger, poolSize: 1)
            do {
                try await db.migrate(migrations, logger: TestDatabase.logger)
                await db.shutdown()
            } catch {
                await db.shutdown()
                throw error
            }
            return name
        }
        templates[key] = task
        return try await task.value
    }

    func freshDatabase(base: String, key: String, migrations: MigrationList) async throws -> String {
        let template = try await template(base: base, key: key, migrations: migrations)
        let admin = try await adminDB(base)
        let name = "qx_t_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20))".lowercased()
        try await admin.sql.raw("CREATE DATABASE \(unsafeRaw: name) TEMPLATE \(unsafeRaw: template)").run()
        return name
    }

    func drop(base: String, database: String) async {
        guard let admin = try? await adminDB(base) else { return }
        try? await admin.sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: database) WITH (FORCE)").run()
    }
}

/// Records which engine each database test ran on, for `ops/test`'s per-engine count.
public enum EngineLog {
    private static let path = ProcessInfo.processInfo.environment["QIANXUE_TEST_ENGINE_LOG"]
    private static let lock = NSLock()

    static func record(engine: DatabaseEngine, test: String) {
        append("\(engine.rawValue)\t\(test)\n")
    }

    static func recordVersion(_ version: String) {
        append("postgres-version\t\(version)\n")
    }

    /// A test that talked to the real inference server (ops/test fails when none did).
    public static func recordRealInference(test: String) {
        append("inference-real\t\(test)\n")
    }

    private static func append(_ line: String) {
        guard let path else { return }
        lock.lock()
        defer { lock.unlock() }
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let h = FileHandle(forWritingAtPath: path) else { return }
        h.seekToEndOfFile()
        h.write(Data(line.utf8))
        try? h.close()
    }
}
