import ChildProcesses
import Foundation

/// Backups of a PostgreSQL database with PostgreSQL's own tools: pg_dump's custom format, restored
/// with pg_restore. The password of DATABASE_URL is handed over in PGPASSWORD, never on a command
/// line (where `ps` shows it).
public struct PostgresDump: Sendable {
    /// DATABASE_URL without its password.
    public let url: String
    let password: String?

    public init(url: String) {
        var c = URLComponents(string: url)
        password = c?.password
        c?.password = nil
        self.url = c?.string ?? url
    }

    /// The pg_dump command an operator runs for this database.
    public func dumpCommand(file: String) -> String {
        (password == nil ? "" : "PGPASSWORD='<password of DATABASE_URL>' ") + "pg_dump --format=custom --file='\(file)' '\(url)'"
    }

    /// The restore procedure for this database's dump, as commands.
    public func restoreSteps(file: String) -> String {
        let user = URLComponents(string: url)?.user ?? "qianxue"
        var fresh = URLComponents(string: url)
        fresh?.path = "/qianxue_restored"
        let target = fresh?.string ?? url
        return """
          createdb --owner=\(user) qianxue_restored        # as a superuser, on the same server or a new one with the role \(user)
          pg_restore --exit-on-error --single-transaction --dbname='\(target)' '\(file)'
          DATABASE_URL='\(target)' qianxue migrate        # then serve from it
        """
    }

    /// Runs pg_dump (from PATH) into a file beside `target` and renames it when pg_dump succeeds;
    /// without pg_dump on PATH, refuses with the command to run. Answers one line saying what it wrote.
    public func dump(to target: URL, replacing: Bool) async throws -> String {
        let fm = FileManager.default
        let target = target.standardizedFileURL
        if fm.fileExists(atPath: target.path), !replacing {
            throw BackupRefusal("\(target.path) exists; pass --force to replace it")
        }
        guard let pgDump = ChildProcess.onPath("pg_dump") else {
            throw BackupRefusal("pg_dump is not on PATH (Debian: apt-get install postgresql-client, the server's major version or newer); run\n  "
                + dumpCommand(file: target.path) + "\nand restore it with pg_restore (README, Backup and restore)")
        }
        let partial = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())")
        var environment = ProcessInfo.processInfo.environment
        if let password { environment["PGPASSWORD"] = password }
        let status = try await Self.run(pgDump, ["--format=custom", "--file=\(partial.path)", url], environment: environment)
        guard status == 0 else {
            try? fm.removeItem(at: partial)
            throw BackupRefusal("pg_dump failed (exit \(status)); nothing was written to \(target.path)")
        }
        try SQLiteFile.sync(partial.path)
        guard rename(partial.path, target.path) == 0 else {
            throw BackupRefusal("cannot rename the dump to \(target.path): \(String(cString: strerror(errno)))")
        }
        let size = ((try? fm.attributesOfItem(atPath: target.path))?[.size] as? Int).map {
            ByteCountFormatter.string(fromByteCount: Int64($0), countStyle: .file)
        } ?? "?"
        return "dumped \(url) to \(target.path): \(size), pg_dump custom format (\(pgDump)); restore with pg_restore"
    }

    /// Runs a program with this process's standard output and error; its exit status.
    static func run(_ program: String, _ arguments: [String], environment: [String: String]) async throws -> Int32 {
        try await ChildProcess(program, arguments, environment: environment, stdin: .null).exitStatus()
    }
}
