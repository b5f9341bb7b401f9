import ArgumentParser
import Foundation
import Gateway
import Registry

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add data for trying or measuring the platform.", subcommands: [Demo.self, Province.self, ProvinceActivityCommand.self])

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

extension Seed {
    struct Province: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a province-scale registry for benchmarks (deterministic; resumes where it stopped).",
            discussion: "Example: qianxue seed province --schools 9346 --students 6700000 --seed 42")

        @Option(help: "Schools to generate.") var schools = 9346
        @Option(help: "Students in all (about).") var students = 6_700_000
        @Option(help: "Seed: the same seed makes the same province.") var seed: UInt64 = 42
        @Option(help: "Stop after this many schools (resume later by running the same command).") var stopAfter: Int?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let config = try await CLI.config(flags: database.flags)
            guard config.environment != .production else { throw CommandFailure("seed province never runs in production") }
            var settings = ProvinceGenerator.Settings()
            settings.schools = schools
            settings.students = students
            settings.seed = seed
            settings.stopAfter = stopAfter
            let start = Date()
            let result = try await CLI.withPlatform(flags: database.flags) { p in
                try await ProvinceGenerator(registry: p.registry, settings: settings).run { progress in
                    guard progress.schoolsDone % 25 == 0 || progress.schoolsDone == progress.schoolsTotal else { return }
                    let elapsed = Date().timeIntervalSince(start)
                    let rate = Double(progress.studentsWritten) / max(elapsed, 0.001)
                    FileHandle.standardError.write(Data("\r\(progress.schoolsDone)/\(progress.schoolsTotal) schools · \(progress.studentsWritten) students this run · \(Int(rate)) students/s   ".utf8))
                }
            }
            FileHandle.standardError.write(Data("\n".utf8))
            print("\(result.schoolsDone)/\(result.schoolsTotal) schools done; \(result.studentsWritten) students written in \(Int(Date().timeIntervalSince(start))) s")
        }
    }
}
