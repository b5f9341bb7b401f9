import Foundation
import Logging

/// Puts an SQLite backup in place of the platform's database file, for `qianxue restore`.
public enum SQLiteRestore {
    /// What a restore did.
    public struct Outcome: Sendable {
        /// The backup as checked before it went in.
        public let backup: SQLiteFileSummary
        /// Where the database that was there before now is (nil when there was none).
        public let setAside: String?
        public let migrationsApplied: Int
        public let audit: AuditCheck
    }

    /// Checks `backup`, refuses while any process has `database` open, moves the current file aside,
    /// copies the backup in and applies this binary's pending migrations.
    public static func restore(from backup: URL, to database: String, migrations: MigrationList, logger: Logger,
                               now: Date = Date()) async throws -> Outcome {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: database).standardizedFileURL
        guard backup.standardizedFileURL.path != target.path else {
            throw BackupRefusal("\(target.path) is the database itself; name a backup file")
        }
        if ((try? fm.attributesOfItem(atPath: backup.path + "-wal"))?[.size] as? Int ?? 0) > 0 {
            throw BackupRefusal("\(backup.path) has a write-ahead log beside it (\(backup.lastPathComponent)-wal) that holds part of it; "
                + "stop whatever writes it, or take the copy with qianxue backup")
        }
        let summary = try await SQLiteFile.inspect(backup)
        try checkMigrations(summary, known: migrations)
        if let pid = try holder(of: target.path) {
            throw BackupRefusal("\(target.path) is in use by process \(pid) (a running qianxue serve?); stop it, then restore")
        }
        let folder = target.deletingLastPathComponent()
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)

        // The copy goes in beside the target first, so that what is swapped in is whole.
        let incoming = folder.appendingPathComponent(".\(target.lastPathComponent).restoring-\(getpid())")
        try? fm.removeItem(at: incoming)
        do {
            try fm.copyItem(at: backup.standardizedFileURL, to: incoming)
            try SQLiteFile.sync(incoming.path)
        } catch {
            try? fm.removeItem(at: incoming)
            throw BackupRefusal("cannot copy \(backup.path) into \(folder.path): \(error)")
        }

        // The current file keeps its -wal (its last commits) under the new name; the -shm is only
        // an index that SQLite rebuilds, and a stale one must not meet the restored file.
        var aside: String?
        if fm.fileExists(atPath: target.path) {
            let name = "\(target.path).before-restore-\(stamp(now))"
            guard rename(target.path, name) == 0 else {
                try? fm.removeItem(at: incoming)
                throw BackupRefusal("cannot move \(target.path) aside: \(String(cString: strerror(errno)))")
            }
            aside = name
            if fm.fileExists(atPath: target.path + "-wal") { _ = rename(target.path + "-wal", name + "-wal") }
        }
        for suffix in ["-wal", "-shm", "-journal"] { try? fm.removeItem(atPath: target.path + suffix) }
        guard rename(incoming.path, target.path) == 0 else {
            throw BackupRefusal("cannot put the backup at \(target.path): \(String(cString: strerror(errno)))"
                + (aside.map { "; the previous database is at \($0)" } ?? ""))
        }
        try? SQLiteFile.sync(folder.path)

        let db = try await DatabaseStack.open(.sqlite(path: target.path), logger: logger)
        do {
            let applied = try await db.migrate(migrations, logger: logger)
            let audit = try await AuditLog(database: db).check()
            await db.shutdown()
            return Outcome(backup: summary, setAside: aside, migrationsApplied: applied, audit: audit)
        } catch {
            await db.shutdown()
            throw error
        }
    }

    /// Refuses a file that is not a Qianxue database, or one that a newer binary migrated.
    static func checkMigrations(_ summary: SQLiteFileSummary, known: MigrationList) throws {
        guard !summary.migrations.isEmpty else {
            throw BackupRefusal("\(summary.path) is not a Qianxue database (it has no migrations table)")
        }
        let names = Set(known.migrations.map(\.name))
        let unknown = summary.migrations.filter { !names.contains($0) }
        guard unknown.isEmpty else {
            throw BackupRefusal("\(summary.path) was migrated by a newer qianxue (\(unknown.count) migrations this binary does not know, "
                + "first \(unknown[0])); restore it with that version")
        }
    }

    /// The process that has `database` open, if any. In WAL mode — the platform's — every SQLite
    /// connection holds a read lock on the "dead man switch" byte of the -shm file (byte 128 in
    /// SQLite's WAL-index format) from opening to closing, and the kernel drops it when the process
    /// ends, killed or not. So a lock there is a live user of the file, whichever program it is; no
    /// lock, or no -shm, means none (a -shm left by a crash holds no lock). A lock test rather than a
    /// pid file written by serve: it also sees `seed`, `users` or an `sqlite3` shell, and it cannot go stale.
    public static func holder(of database: String) throws -> Int32? {
        var fd = open(database + "-shm", O_RDWR)
        if fd < 0, errno == EACCES { fd = open(database + "-shm", O_RDONLY) }
        if fd < 0, errno == ENOENT { return nil }
        guard fd >= 0 else { throw BackupRefusal("cannot tell whether \(database) is in use: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var lock = flock(l_type: Int16(F_WRLCK), l_whence: Int16(SEEK_SET), l_start: 128, l_len: 1, l_pid: 0)
        guard fcntl(fd, F_GETLK, &lock) == 0 else {
            throw BackupRefusal("cannot tell whether \(database) is in use: \(String(cString: strerror(errno)))")
        }
        return lock.l_type == Int16(F_UNLCK) ? nil : lock.l_pid
    }

    /// A UTC time stamp for file names: 20261130T023100Z.
    static func stamp(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: date)
    }
}
