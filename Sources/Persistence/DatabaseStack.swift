import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import QianxueCore
import SQLKit
import Synchronization

/// Where the platform keeps its data: an embedded SQLite file (the default) or a PostgreSQL server.
public enum DatabaseLocation: Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// A description safe for logs: never the password.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite \(path)"
        case .postgres(let url):
            guard var c = URLComponents(string: url) else { return "postgres" }
            if c.password != nil { c.password = "***" }
            return "postgres \(c.string ?? "")"
        }
    }

    public var engine: String {
        switch self {
        case .sqlite: return "sqlite"
        case .postgres: return "postgres"
        }
    }
}

/// The database handle every service is given: one pool per process, created once.
public final class DatabaseStack: Sendable {
    public let location: DatabaseLocation
    let databases: Databases
    private let logger: Logger
    let group: any EventLoopGroup
    /// SQLite's loop and thread, given back when the stack shuts down; nil for PostgreSQL.
    private let lane: SQLiteLane?
    private let laneGivenBack = Atomic(false)
    /// The database of each event loop, made once: `Databases.database(…)` takes a lock and builds a
    /// new handle on every call, and services ask for one on every query.
    let onLoop: [ObjectIdentifier: (db: any Database, sql: any SQLDatabase)]

    private init(location: DatabaseLocation, databases: Databases, group: any EventLoopGroup, lane: SQLiteLane?, logger: Logger) {
        self.location = location
        self.lane = lane
        self.databases = databases
        self.group = group
        self.logger = logger
        var made: [ObjectIdentifier: (db: any Database, sql: any SQLDatabase)] = [:]
        for loop in group.makeIterator() {
            if let db = databases.database(logger: logger, on: loop), let sql = db as? any SQLDatabase {
                made[ObjectIdentifier(loop)] = (db, sql)
            }
        }
        onLoop = made
    }

    /// Opens the pool. SQLite files are created (with their folder) and switched to WAL.
    public static func open(
        _ location: DatabaseLocation,
        logger: Logger,
        poolSize: Int = 4,
        poolTimeout: TimeAmount = .seconds(5),
        connectTimeout: TimeAmount = .seconds(2),
        group sharedGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> DatabaseStack {
        // SQLite takes one writer at a time: one connection (one event loop) per stack keeps
        // in-process writers from busy-waiting on each other's locks.
        let databases: Databases
        let lane: SQLiteLane?
        if case .sqlite(let path) = location {
            let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            lane = SQLiteLanes.take()
            databases = Databases(threadPool: lane!.threads, on: lane!.loop)
        } else {
            lane = nil
            databases = Databases(threadPool: NIOThreadPool.singleton, on: sharedGroup)  // PostgreSQL blocks no thread
        }
        let group = databases.eventLoopGroup
        switch location {
        case .sqlite(let path):
            databases.use(.sqlite(.file(path), connectionPoolTimeout: poolTimeout, sqlLogLevel: .trace), as: .sqlite)
        case .postgres(let url):
            var config: SQLPostgresConfiguration
            do {
                config = try SQLPostgresConfiguration(url: url)
            } catch {
                throw AppError.validation("DATABASE_URL is not a valid postgres:// URL")
            }
            // A server that does not answer a connection attempt counts as down after this, not
            // after PostgresNIO's default of 10 s (a stopped one refuses at once).
            config.coreConfiguration.options.connectTimeout = connectTimeout
            databases.use(
                .postgres(configuration: config, maxConnectionsPerEventLoop: poolSize, connectionPoolTimeout: poolTimeout,
                          encodingContext: .default, decodingContext: .default, sqlLogLevel: .trace),
                as: .psql)
        }
        let stack = DatabaseStack(location: location, databases: databases, group: group, lane: lane, logger: logger)
        do {
            try await stack.prepareConnections()
        } catch {
            await stack.shutdown()
            throw error
        }
        return stack
    }

    /// The database, on any event loop; inside `withAmbientTransaction`, that transaction.
    public var db: any Database {
        if let ambient = Self.ambient, ambient.owner == ObjectIdentifier(self) { return ambient.db }
        let loop = group.any()
        return onLoop[ObjectIdentifier(loop)]?.db ?? databases.database(logger: logger, on: loop)!
    }

    /// A transaction that every use of `db` in the task (and its child tasks) joins.
    struct AmbientTransaction: Sendable {
        let owner: ObjectIdentifier
        let db: any Database
    }

    @TaskLocal static var ambient: AmbientTransaction?

    /// Runs `body` in one transaction that every service's `database.db` joins while it runs, so
    /// that a request's writes and the record of its answer commit together or not at all. Only
    /// for short database work: the transaction holds one pooled connection throughout.
    public func withAmbientTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await db.transaction { tx in
            try await Self.$ambient.withValue(AmbientTransaction(owner: ObjectIdentifier(self), db: tx)) {
                try await body(tx)
            }
        }
    }

    public var sql: any SQLDatabase {
        if Self.ambient == nil, let made = onLoop[ObjectIdentifier(group.any())] { return made.sql }
        return db as! any SQLDatabase
    }

    public var isPostgres: Bool {
        if case .postgres = location { return true }
        return false
    }

    /// SQLite settings: WAL lives in the file; synchronous and busy timeout live per connection, and
    /// the SQLite driver keeps one connection per event loop, so set them on each loop's connection.
    /// (If the driver ever reopens a connection it falls back to SQLiteNIO's own busy handler.)
    private func prepareConnections() async throws {
        guard case .sqlite = location else {
            _ = try await sql.raw("SELECT 1").all()
            return
        }
        for loop in group.makeIterator() {
            let db = databases.database(logger: logger, on: loop)! as! any SQLDatabase
            _ = try await db.raw("PRAGMA journal_mode = WAL").all()
            _ = try await db.raw("PRAGMA synchronous = FULL").all()
            _ = try await db.raw("PRAGMA busy_timeout = 5000").all()
        }
    }

    /// Answers whether the database can be reached now (for `/ready`).
    public func ping() async -> Bool {
        do {
            _ = try await sql.raw("SELECT 1").all()
            return true
        } catch {
            return false
        }
    }

    /// The server's version string (`SELECT version()` or `sqlite_version()`).
    public func serverVersion() async throws -> String {
        let query: SQLQueryString = isPostgres ? "SELECT version() AS v" : "SELECT 'SQLite ' || sqlite_version() AS v"
        return try await sql.raw(query).first(decodingColumn: "v", as: String.self) ?? "unknown"
    }

    public func shutdown() async {
        await databases.shutdownAsync()
        if let lane, !laneGivenBack.exchange(true, ordering: .relaxed) { SQLiteLanes.giveBack(lane) }
    }
}
