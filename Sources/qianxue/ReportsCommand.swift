import ArgumentParser
import Gateway

/// `qianxue reports …`: the rollups the regional reports read.
struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports",
        abstract: "Regional reports and the rollups they read.",
        subcommands: [Rebuild.self])

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the per-school report rollups from raw rows, in one transaction.",
            discussion: "Example: qianxue reports rebuild   (the services keep the rollups current; this is for after a restore or an upgrade)")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let rows = try await CLI.withPlatform(flags: database.flags) { try await ReportRollups.rebuild(platform: $0) }
            for r in rows { print("\(r.table)\t\(r.rows) rows") }
        }
    }
}
