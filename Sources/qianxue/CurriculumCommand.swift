import ArgumentParser
import Assessment
import Curriculum
import Foundation

struct CurriculumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curriculum",
        abstract: "Work with the curriculum content.",
        subcommands: [Lint.self])

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the curriculum folder and its item bank: schema, slugs, bands and grades, competency codes, sources, links, sections, keys, rubrics, coverage.",
            discussion: "Prints one `file:line: message` per problem and exits non-zero when there is any.")

        @Argument(help: "The curriculum folder.") var path = "Curriculum"

        func run() throws {
            let root = URL(fileURLWithPath: path)
            let (content, lessonProblems) = CurriculumLoader.load(from: root)
            let (bank, itemProblems) = ItemBankLoader.load(from: root.appendingPathComponent("assessment"), sources: content.sources)
            let (forms, formProblems) = FormLoader.load(from: root.appendingPathComponent("assessment/forms"), bank: bank)
            let problems = lessonProblems + itemProblems + formProblems
            for p in problems { print(p) }
            let units = content.units.count
            let lessons = content.lessons.count
            let published = content.lessons.filter { $0.status == .published }.count
            let lessonLine = "\(path): \(units) units, \(lessons) lessons (\(published) published), \(content.sources.ordered.count) sources"
            let usableForms = forms.filter(\.isUsable)
            let bankLine = "\(path)/assessment: \(bank.summary); \(forms.count) fixed forms (\(usableForms.count) published, "
                + "terms \(Set(usableForms.map(\.term)).sorted().joined(separator: ", ")))"
            if problems.isEmpty {
                print("\(lessonLine): OK")
                print("\(bankLine): OK")
            } else {
                print(lessonLine)
                print(bankLine)
                FileHandle.standardError.write(Data("\(path): \(problems.count) problem\(problems.count == 1 ? "" : "s")\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
