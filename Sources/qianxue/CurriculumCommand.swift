import ArgumentParser
import Curriculum
import Foundation

struct CurriculumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curriculum",
        abstract: "Work with the curriculum content.",
        subcommands: [Lint.self])

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the curriculum folder: schema, slugs, bands and grades, competency codes, sources, links, sections.",
            discussion: "Prints one `file:line: message` per problem and exits non-zero when there is any.")

        @Argument(help: "The curriculum folder.") var path = "Curriculum"

        func run() throws {
            let root = URL(fileURLWithPath: path)
            let (content, problems) = CurriculumLoader.load(from: root)
            for p in problems { print(p) }
            let units = content.units.count
            let lessons = content.lessons.count
            if problems.isEmpty {
                let published = content.lessons.filter { $0.status == .published }.count
                print("\(path): \(units) units, \(lessons) lessons (\(published) published), \(content.sources.ordered.count) sources: OK")
            } else {
                FileHandle.standardError.write(Data("\(path): \(problems.count) problem\(problems.count == 1 ? "" : "s")\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
