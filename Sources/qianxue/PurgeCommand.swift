import ArgumentParser
import Foundation
import Gateway
import Persistence
import QianxueCore

/// `qianxue purge`: the retention purge once, for operators (serve runs it daily by itself).
struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Remove what is past its retention window, once (serve does it daily).",
        discussion: """
        Blanks companion message text older than QIANXUE_RETENTION_CHAT_DAYS (default 180; the
        messages' rows, counts and flags stay), deletes Idempotency-Key records older than
        QIANXUE_RETENTION_IDEMPOTENCY_DAYS (7) and audit events older than
        QIANXUE_RETENTION_AUDIT_DAYS (1095, never less), counting calendar days in Asia/Shanghai.
        Report rollups, the inference ledger's daily totals and daily usage counts are kept. Prints
        one line per kind. On PostgreSQL a purge already running elsewhere makes this one skip.
        """)

    @Flag(help: "Count what would go, and change nothing.") var dryRun = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let report = try await CLI.withPlatform(flags: database.flags) { platform in
            try await platform.retentionPurge().run(dryRun: dryRun)
        }
        if report.skipped {
            print(report.summary)
            return
        }
        for line in report.lines {
            let verb = dryRun ? "would be \(line.action)" : line.action
            print("\(line.name): \(line.rows) \(verb) (older than \(line.days) days: before \(PlatformCalendar.day(of: line.cutoff)))")
        }
        print(dryRun ? "dry run: nothing was changed" : "purged \(report.total) rows")
    }
}
