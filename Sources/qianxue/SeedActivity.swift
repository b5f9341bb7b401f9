import ArgumentParser
import Foundation
import Gateway

extension Seed {
    /// `qianxue seed province-activity`: tests, usage, teacher activity and training for the generated province.
    struct ProvinceActivityCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "province-activity",
            abstract: "Add two terms of test results and a term of usage to the generated province (PostgreSQL; for the reports benchmark).",
            discussion: """
                Every generated student finishes one adaptive test in each term; every generated school gets daily usage \
                rollups for the school days of --term, its teachers weekly assistant use and training units; the schools \
                of --usage-prefecture also get the raw rows behind their usage (sessions, messages, ledger, flags, drafts). \
                Deterministic for a seed; a run that stopped resumes with the next step. Run `qianxue seed province` first.
                Example: qianxue seed province-activity --term 2026-2027-1 --previous 2025-2026-2 --usage-prefecture 5203
                """)

        @Option(help: "Term of the usage and of the second test.") var term = "2026-2027-1"
        @Option(help: "Term of the first test.") var previous = "2025-2026-2"
        @Option(help: "Region whose usage is also written as raw rows (a prefecture code; 52 for all).") var usagePrefecture = "5203"
        @Option(help: "Last day of usage, YYYY-MM-DD (default: the term's last school day).") var through: String?
        @Option(help: "Seed: the same seed makes the same activity.") var seed: UInt64 = 42
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let config = try await CLI.config(flags: database.flags)
            guard config.environment != .production else { throw CommandFailure("seed province-activity never runs in production") }
            guard config.databaseURL != nil else {
                throw CommandFailure("seed province-activity needs PostgreSQL (set DATABASE_URL): it writes with set-based SQL that has no SQLite version")
            }
            var settings = ProvinceActivity.Settings()
            settings.term = term
            settings.previous = previous
            settings.usagePrefecture = usagePrefecture
            settings.through = through
            settings.seed = seed
            let start = Date()
            let size = try await CLI.withPlatform(flags: database.flags) { p in
                let activity = try ProvinceActivity(database: p.database, regions: p.registry.regions, settings: settings)
                try await activity.run { step in
                    let what = step.skipped ? "done before" : "\(step.rows) rows in \(String(format: "%.1f", step.seconds)) s"
                    FileHandle.standardError.write(Data("[\(step.index)/\(step.total)] \(step.name): \(what)\n".utf8))
                }
                return try await activity.databaseSize()
            }
            print("province activity done in \(Int(Date().timeIntervalSince(start))) s; the database is \(String(format: "%.2f", Double(size) / 1_073_741_824)) GB")
        }
    }
}
