import ArgumentParser
import Foundation
import Gateway
import Persistence

/// `qianxue backup --to FILE`: an online copy of the database.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database while the server keeps serving (SQLite), or dump it with pg_dump (PostgreSQL).",
        discussion: """
        SQLite: a transactionally consistent copy (VACUUM INTO, a snapshot that does not hold up the
        server's writes) is written beside FILE, flushed, checked (PRAGMA integrity_check) and only then
        renamed to FILE; prints where, its size, tables, rows and the audit chain's tip.
        PostgreSQL: runs pg_dump --format=custom when pg_dump is on PATH (the password from
        DATABASE_URL goes in PGPASSWORD, never on a command line), else prints the command to run.
        Restore with 'qianxue restore --from FILE' (SQLite) or pg_restore (README, Backup and restore).
        """)

    @Option(name: .customLong("to"), help: "The file to write.") var file: String
    @Flag(help: "Replace the file if it exists.") var force = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let config = try await CLI.config(flags: database.flags)
        let target = URL(fileURLWithPath: file)
        if case .postgres(let url) = config.database {
            print(try await PostgresDump(url: url).dump(to: target, replacing: force))
            return
        }
        let db = try await CLI.openDatabase(config)
        do {
            let summary = try await db.backupSQLite(to: target, replacing: force)
            await db.shutdown()
            print("backed up \(config.database) to \(summary.line)")
        } catch {
            await db.shutdown()
            throw CommandFailure(error)
        }
    }
}

/// `qianxue restore --from FILE`: puts an SQLite backup in place of the database.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put an SQLite backup in place of the database (the server must be stopped).",
        discussion: """
        Refuses while any process has the database open, a file that is damaged, not a Qianxue
        database or migrated by a newer qianxue. Moves the current database aside (with its -wal,
        under <file>.before-restore-<UTC time>, and prints the name), copies the backup in, applies
        pending migrations and checks the audit trail. PostgreSQL databases are restored with
        pg_restore into a fresh database (README, Backup and restore).
        """)

    @Option(name: .customLong("from"), help: "The backup file (from qianxue backup --to).") var file: String
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let config = try await CLI.config(flags: database.flags)
        guard case .sqlite(let path) = config.database else {
            throw CommandFailure("restore puts SQLite files in place; on PostgreSQL, pg_restore the dump into a fresh database "
                + "as the role the gateway connects as and point DATABASE_URL at it:\n"
                + PostgresDump(url: Self.url(config.database)).restoreSteps(file: file))
        }
        var logger = CLI.logger
        logger.logLevel = .warning
        let outcome = try await SQLiteRestore.restore(from: URL(fileURLWithPath: file), to: path,
                                                      migrations: Platform.migrations, logger: logger)
        print("checked \(outcome.backup.line)")
        if let aside = outcome.setAside {
            print("moved the database that was there to \(aside)")
        }
        print("restored \(path); applied \(outcome.migrationsApplied) pending migration(s)")
        if let problem = outcome.audit.problem {
            print("audit trail broken: \(problem) (intact up to event \(outcome.audit.events))")
            throw ExitCode.failure
        }
        print("audit trail intact: \(outcome.audit.events) events, tip \(outcome.audit.tip.prefix(16))")
    }

    private static func url(_ location: DatabaseLocation) -> String {
        if case .postgres(let url) = location { return url }
        return ""
    }
}
