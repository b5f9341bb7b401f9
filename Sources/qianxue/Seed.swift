import ArgumentParser
import Foundation
import Gateway
import Registry

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add data for trying or measuring the platform.", subcommands: [Demo.self])

    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add demo school admins, teachers, classes and students to three pilot schools (never in production).",
            discussion: "Example: qianxue seed demo   (prints where the demo logins were written)")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let config = try await CLI.config(flags: database.flags)
            guard config.environment != .production else {
                throw CommandFailure("seed demo never runs in production (QIANXUE_ENV=production)")
            }
            let logins = try await CLI.withPlatform(flags: database.flags) { try await $0.registry.seedDemo() }
            let file = URL(fileURLWithPath: config.dataDir).appendingPathComponent("demo-logins.tsv")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            var text = "username\tpassword\trole\tschool\n"
            for l in logins { text += "\(l.username)\t\(l.password)\t\(l.role.rawValue)\t\(l.school)\n" }
            FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
            try text.write(to: file, atomically: false, encoding: .utf8)
            print("added \(logins.count) demo people in 3 pilot schools; their logins are in \(file.path) (mode 0600)")
        }
    }
}
