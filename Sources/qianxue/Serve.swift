import Persistence
import ArgumentParser
import Foundation
import Curriculum
import Gateway
import Hummingbird
import NIOCore
import NIOPosix

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the platform (the default command).",
        discussion: """
        With no configuration it keeps an SQLite file under ./data, applies migrations
        and seeds, uses the offline inference provider and listens on 127.0.0.1:8080.
        Settings come from flags, then the environment, then an optional .env file in
        the working directory (variable, flag, default, meaning):

        \(AppConfig.settings.map { s in
            "  \(s.env)\(s.flag.map { " (\($0))" } ?? "") = \(s.defaultValue)\n      \(s.meaning)"
        }.joined(separator: "\n"))
        """)

    @Option(help: "Address to listen on (env QIANXUE_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (env QIANXUE_PORT; default 8080).") var port: String?
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        // One event loop per core this process may run on (taskset, cpusets), not per core of the machine.
        // (NIO's event loops as Swift's global executor were tried to save thread hops per streamed
        // chunk: no gain showed in the benchmark, and a release build once crashed at start-up with
        // it — installed from an async main, which NIO warns against — so tasks stay on Swift's pool.)
        if let cores = Self.coresAllowed() { NIOSingletons.groupLoopCountSuggestion = cores }
        var flags = database.flags
        if let host { flags["qianxue.host"] = host }
        if let port { flags["qianxue.port"] = port }
        let config = try await CLI.config(flags: flags)
        let logger = CLI.logger
        let platform: Platform
        do {
            platform = try await Platform.open(config: config, logger: logger)
        } catch let error as CurriculumError {
            throw CommandFailure("cannot start: \(error)")
        } catch {
            throw CommandFailure("cannot open \(config.database): \(error)")
        }
        if config.environment == .production {
            let demo = try await platform.registry.demoUsernames()
            if !demo.isEmpty {
                await platform.shutdown()
                throw CommandFailure("cannot start in production: demo accounts are present (\(demo.joined(separator: ", ")), …): "
                    + "their passwords were handed out when they were seeded; remove the demo.* users, or run with QIANXUE_ENV=development")
            }
        }
        if try await platform.registry.userCount() == 0 {
            print("""
            No users yet. Create the first admin (the password is read from standard input):
              swift run qianxue users create --username admin --role admin --password-stdin
            """)
        }
        // Which models the endpoint serves: one log line, without holding up start-up.
        Task { await platform.inference.checkAtStartup(logger: logger) }
        // Asked for by name, the probe's lines show whatever LOG_LEVEL (benchmarks run at warning).
        var probeLogger = logger
        probeLogger.logLevel = .info
        let probe = config.poolWaitProbe.map { interval in Task { [probeLogger] in await platform.database.probePoolWaits(every: interval, logger: probeLogger) } }
        defer { probe?.cancel() }
        let app = try buildApplication(platform: platform, logger: logger)
        try await app.runService()
    }
}

extension Serve {
    /// How many cores the scheduler lets this process use (`Cpus_allowed` in /proc/self/status on
    /// Linux); nil where that cannot be read.
    static func coresAllowed() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return nil }
        let mask = line.dropFirst("Cpus_allowed:".count).filter { $0.isHexDigit }
        let n = mask.reduce(0) { $0 + (Int(String($1), radix: 16) ?? 0).nonzeroBitCount }
        return n > 0 ? n : nil
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations (or revert the last batch) and exit.")

    @Flag(help: "Revert the last batch of migrations.") var revert = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let config = try await CLI.config(flags: database.flags)
        var logger = CLI.logger
        logger.logLevel = .warning
        let db = try await DatabaseStack.open(config.database, logger: logger)
        do {
            if revert {
                let n = try await db.revertLastBatch(Platform.migrations, logger: logger)
                print("reverted \(n) migration(s) on \(config.database)")
            } else {
                let n = try await db.migrate(Platform.migrations, logger: logger)
                print("applied \(n) migration(s) on \(config.database)")
            }
            await db.shutdown()
        } catch {
            await db.shutdown()
            throw CommandFailure(error)
        }
    }
}
