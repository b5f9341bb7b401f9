import ArgumentParser
import Foundation
import Gateway
import Persistence

/// `qianxue audit verify`: walks the audit trail's hash chain up to its tip.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the append-only audit trail.",
        subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the audit trail's hash chain and its tip (works while the server runs).",
            discussion: """
            Prints 'intact: N events, tip <hash prefix>' and exits 0, or names the first altered,
            inserted or deleted event (the last one included) and exits 1. Uses the same database
            as serve (DATABASE_URL or --data-dir); applies no migrations.
            """)

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let config = try await CLI.config(flags: database.flags)
            let db = try await CLI.openDatabase(config)
            let check: AuditCheck
            do {
                check = try await AuditLog(database: db).check()
                await db.shutdown()
            } catch {
                await db.shutdown()
                throw CommandFailure("cannot read the audit trail on \(config.database): \(error)")
            }
            if let problem = check.problem {
                print("broken: \(problem) (the chain is intact up to event \(check.events))")
                throw ExitCode.failure
            }
            let from = check.firstSeq > 1 ? " from event \(check.firstSeq) (earlier ones purged past the retention window)" : ""
            print("intact: \(check.events) events\(from), tip \(check.tip.prefix(16))")
        }
    }
}
