import ArgumentParser
import Foundation
import Gateway
import Registry

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Import data from other systems.", subcommands: [OneRoster.self])

    struct OneRoster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "oneroster",
            abstract: "Import a OneRoster 1.2 CSV package (a folder or a zip), all or nothing.",
            discussion: "Example: qianxue import oneroster ./roster.zip --county 520302")

        @Argument(help: "A folder of CSV files or a .zip.") var path: String
        @Option(help: "County code for schools whose org identifier is not a 6-digit county code.") var county: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let url = URL(fileURLWithPath: path)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { throw CommandFailure("no such file or folder: \(path)") }
            let report = try await CLI.withPlatform(flags: database.flags) { p in
                if isDir.boolValue { return try await p.registry.importOneRoster(folder: url, county: county, by: nil) }
                return try await p.registry.importOneRoster(zip: try Data(contentsOf: url), county: county, by: nil)
            }
            for (file, c) in report.files.sorted(by: { $0.key < $1.key }) {
                print("\(file.padding(toLength: 17, withPad: " ", startingAt: 0)) created \(c.created)  updated \(c.updated)  unchanged \(c.unchanged)  deleted \(c.deleted)  skipped \(c.skipped)")
            }
            print(report.changedNothing ? "nothing changed" : "imported into \(report.schoolIDs.count) school(s)")
        }
    }
}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export data for other systems.", subcommands: [OneRoster.self])

    struct OneRoster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "oneroster",
            abstract: "Export a school's roster as a OneRoster 1.2 CSV package (zip).",
            discussion: "Example: qianxue export oneroster --school 6f1c… --to roster.zip")

        @Option(help: "School ID.") var school: String
        @Option(help: "The .zip to write.") var to: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let id = try uuid(school, "--school")
            let data = try await CLI.withPlatform(flags: database.flags) { try await $0.registry.exportOneRosterZip(schoolID: id) }
            try data.write(to: URL(fileURLWithPath: to))
            print("wrote \(to) (\(data.count) bytes)")
        }
    }
}
