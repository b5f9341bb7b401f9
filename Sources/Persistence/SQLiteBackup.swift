import FluentSQLiteDriver
import Foundation
import Logging
import NIOPosix
import SQLKit

/// Why a backup or a restore did not go ahead, in one line for the operator.
public struct BackupRefusal: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// What a check of an SQLite file found: its size, tables, rows, applied migrations and the audit
/// chain's tip.
public struct SQLiteFileSummary: Sendable {
    public let path: String
    public let bytes: Int
    public let tables: Int
    public let rows: Int
    public let migrations: [String]
    /// The audit chain's tip (event number and hash), if the file has an audit trail.
    public let auditTip: (seq: Int, hash: String)?

    /// One line: where, how big, what is in it.
    public var line: String {
        let size = ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file)
        let tip = auditTip.map { "audit tip \($0.seq) \($0.hash.prefix(16))" } ?? "no audit trail"
        return "\(path): \(size), \(tables) tables, \(rows) rows, \(migrations.count) migrations, \(tip)"
    }
}

extension DatabaseStack {
    /// Writes a transactionally consistent copy of the SQLite database to `destination` while the
    /// server keeps reading and writing, checks it, and only then puts it under its name.
    ///
    /// `VACUUM INTO` rather than the `sqlite3_backup` API: it is plain SQL on the pool's connection
    /// (no reach into SQLiteNIO's C module), it reads in one transaction, which in WAL mode is a
    /// snapshot that never blocks the server's writers (sqlite3_backup restarts its copy whenever
    /// another connection writes, so under steady writes it may never finish unless it copies in one
    /// step, which is the same single read transaction), and it writes a compact file in rollback
    /// mode that needs no -wal beside it.
    public func backupSQLite(to destination: URL, replacing: Bool) async throws -> SQLiteFileSummary {
        guard case .sqlite(let source) = location else {
            throw BackupRefusal("backup --to copies the SQLite file; this platform runs on \(location)")
        }
        let fm = FileManager.default
        let target = destination.standardizedFileURL
        let folder = target.deletingLastPathComponent()
        guard target.path != URL(fileURLWithPath: source).standardizedFileURL.path else {
            throw BackupRefusal("\(target.path) is the live database; name another file")
        }
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw BackupRefusal("no folder \(folder.path) to write the backup in")
        }
        if fm.fileExists(atPath: target.path), !replacing {
            throw BackupRefusal("\(target.path) exists; pass --force to replace it")
        }
        // Written beside the target, so that the final rename stays on one file system and is atomic.
        let partial = folder.appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())")
        try? fm.removeItem(at: partial)
        do {
            try await sql.raw("VACUUM INTO \(bind: partial.path)").run()
            try SQLiteFile.sync(partial.path)
            _ = try await SQLiteFile.inspect(partial)
            guard rename(partial.path, target.path) == 0 else {
                throw BackupRefusal("cannot rename the copy to \(target.path): \(String(cString: strerror(errno)))")
            }
            try? SQLiteFile.sync(folder.path)
        } catch {
            try? fm.removeItem(at: partial)
            throw error
        }
        return try await SQLiteFile.inspect(target)
    }
}

/// Checks of an SQLite file that leave it untouched (opened read-only).
public enum SQLiteFile {
    /// Opens `url` read-only and checks it: SQLite's `integrity_check`, then counts its tables and
    /// rows and reads its migrations and audit tip.
    public static func inspect(_ url: URL) async throws -> SQLiteFileSummary {
        let path = url.standardizedFileURL.path
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else {
            throw BackupRefusal("\(path): no such file")
        }
        guard let head = FileHandle(forReadingAtPath: path).flatMap({ h in defer { try? h.close() }; return try? h.read(upToCount: 16) }),
              head == Data("SQLite format 3\0".utf8) else {
            throw BackupRefusal("\(path) is not an SQLite database")
        }
        var logger = Logger(label: "qianxue.backup")
        logger.logLevel = .warning
        let uri = "file:\(path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path)?mode=ro"
        // A file in WAL mode opened read-only gets an empty -wal and a -shm that only a writer may
        // remove: take away those this check made.
        let made = ["-wal", "-shm"].filter { !FileManager.default.fileExists(atPath: path + $0) }
        defer {
            if ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int ?? 0) == 0 {
                for suffix in made { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        }
        let connection = try await SQLiteConnection.open(storage: .file(path: uri), threadPool: .singleton, logger: logger,
                                                         on: MultiThreadedEventLoopGroup.singleton.any())
        do {
            let summary = try await summarise(connection.sql(), path: path, bytes: size)
            try await connection.close()
            return summary
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func summarise(_ db: any SQLDatabase, path: String, bytes: Int) async throws -> SQLiteFileSummary {
        let problems = try await db.raw("PRAGMA integrity_check").all().compactMap { try? $0.decode(column: "integrity_check", as: String.self) }
        guard problems == ["ok"] else {
            throw BackupRefusal("\(path) is damaged (integrity_check: \(problems.prefix(3).joined(separator: "; ")))")
        }
        let tables = try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .all(decodingColumn: "name", as: String.self)
        var rows = 0
        for table in tables {
            rows += try await db.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decodingColumn: "n", as: Int.self) ?? 0
        }
        let migrations = tables.contains("_fluent_migrations")
            ? try await db.raw("SELECT name FROM _fluent_migrations ORDER BY batch, name").all(decodingColumn: "name", as: String.self)
            : []
        var tip: (seq: Int, hash: String)?
        if tables.contains("audit_chain"), let row = try await db.raw("SELECT seq, hash FROM audit_chain").first() {
            tip = (try row.decode(column: "seq", as: Int.self), try row.decode(column: "hash", as: String.self))
        }
        return SQLiteFileSummary(path: path, bytes: bytes, tables: tables.count, rows: rows, migrations: migrations, auditTip: tip)
    }

    /// Flushes a file (or a folder's entries) to the disk.
    static func sync(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw BackupRefusal("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw BackupRefusal("cannot flush \(path) to disk: \(String(cString: strerror(errno)))") }
    }
}
