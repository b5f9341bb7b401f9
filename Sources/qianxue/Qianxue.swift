import Foundation
import ArgumentParser
import Gateway
import Logging
import Persistence

/// The server binary: thin commands over the Gateway's `Platform`.
@main
struct Qianxue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qianxue",
        abstract: "Qianxue (黔学): the backend of Guizhou's AI-in-education platform.",
        subcommands: [Serve.self, CurriculumCommand.self, AssessmentCommand.self, Migrate.self, Users.self, Schools.self, Classes.self, Seed.self, Import.self, Export.self, ReportsCommand.self, AuditCommand.self, PurgeCommand.self, Backup.self, Restore.self],
        defaultSubcommand: Serve.self)
}

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Folder of the SQLite file (env QIANXUE_DATA_DIR; default ./data). DATABASE_URL switches to PostgreSQL.")
    var dataDir: String?

    @Option(name: .long, help: "Curriculum folder (env QIANXUE_CURRICULUM; default ./Curriculum).")
    var curriculum: String?

    var flags: [String: String] {
        var f: [String: String] = [:]
        if let dataDir { f["qianxue.dataDir"] = dataDir }
        if let curriculum { f["qianxue.curriculum"] = curriculum }
        return f
    }
}

enum CLI {
    static let bootstrapLogging: Void = {
        LoggingSystem.bootstrap { label in
            var h = JSONLogHandler(label: label)
            h.logLevel = Logger.Level(rawValue: Environment.get("LOG_LEVEL") ?? "") ?? .info
            return h
        }
    }()

    static var logger: Logger {
        _ = bootstrapLogging
        return Logger(label: "qianxue")
    }

    /// Loads configuration; a bad value ends the command with one line naming the key.
    static func config(flags: [String: String]) async throws -> AppConfig {
        do {
            return try await AppConfig.load(flags: flags)
        } catch let e as ConfigError {
            throw CommandFailure("configuration: \(e)")
        }
    }

    /// Opens the database alone — no migrations, no services — for commands that read or copy it
    /// as it is (`audit verify`, `backup`); warnings only in the log. The caller shuts it down.
    static func openDatabase(_ config: AppConfig) async throws -> DatabaseStack {
        // Opening a missing SQLite file would create an empty one: say where it was looked for instead.
        if case .sqlite(let path) = config.database, !FileManager.default.fileExists(atPath: path) {
            throw CommandFailure("no database at \(path) (is --data-dir or QIANXUE_DATA_DIR right?)")
        }
        var logger = logger
        logger.logLevel = .warning
        do {
            return try await DatabaseStack.open(config.database, logger: logger)
        } catch {
            throw CommandFailure("cannot open \(config.database): \(error)")
        }
    }

    /// Opens the platform for a one-off command and closes it afterwards.
    static func withPlatform<T>(flags: [String: String], _ body: (Platform) async throws -> T) async throws -> T {
        var logger = logger
        logger.logLevel = .warning
        let config = try await config(flags: flags)
        let platform = try await Platform.open(config: config, logger: logger)
        do {
            let result = try await body(platform)
            await platform.shutdown()
            return result
        } catch {
            await platform.shutdown()
            throw CommandFailure(error)
        }
    }
}

/// Prints a domain error as one readable line.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ e: any Error) { description = "\(e)" }
    init(_ message: String) { description = message }
}

enum Environment {
    static func get(_ key: String) -> String? {
        guard let v = getenv(key) else { return nil }
        return String(cString: v)
    }
}
