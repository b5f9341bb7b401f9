import ArgumentParser
import Foundation
import QianxueAPI

/// `qx assignment edit|withdraw`: change or take back an assignment (teachers).
struct AssignmentCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assignment", abstract: "Change an assignment (due day, note, companion mode, quiz) or withdraw it (teachers).",
        discussion: "Examples: qx assignment edit 5b0c… --due +3d --note 周五前完成   ·   qx assignment withdraw 5b0c…",
        subcommands: [Edit.self, Withdraw.self])

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an assignment; what you leave out stays.",
                                                        discussion: "Example: qx assignment edit 5b0c… --due 2026-12-05 --mode guided --quiz 3f2a…")
        @Argument(help: "The assignment's id.") var id: String
        @Option(help: "Due day: 2026-12-05, today, tomorrow or +3d.") var due: String?
        @Option(help: "A note for the students.") var note: String?
        @Option(help: "guided, open or off.") var mode: String?
        @Option(help: "A published quiz of the lesson.") var quiz: String?
        @OptionGroup var options: GlobalOptions
        func run() async throws {
            let m = try mode.map { try Components.Schemas.CompanionMode(rawValue: $0) ?? { throw ValidationError("--mode is guided, open or off") }() }
            let change = Components.Schemas.AssignmentUpdate(companionMode: m, dueAt: try due.map { try TeacherInput.endOfDay($0) }, note: note, quizId: quiz)
            let s = try Session(options)
            switch try await s.call({ try await s.client.editAssignment(path: .init(id: id), body: .json(change)) }) {
            case .ok(let ok): try AssignmentCommands.report(try ok.body.json, "changed", options)
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw an assignment: students no longer see it; what they did stays.",
                                                        discussion: "Example: qx assignment withdraw 5b0c…")
        @Argument(help: "The assignment's id.") var id: String
        @OptionGroup var options: GlobalOptions
        func run() async throws {
            let s = try Session(options)
            switch try await s.call({ try await s.client.withdrawAssignment(path: .init(id: id)) }) {
            case .ok(let ok): try AssignmentCommands.report(try ok.body.json, "withdrawn", options)
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        }
    }

    static func report(_ a: Components.Schemas.Assignment, _ what: String, _ options: GlobalOptions) throws {
        if options.output == .json { return try printJSON(a) }
        print("《\(a.lessonTitle)》 \(what)" + (a.dueAt.map { " · due \(TeacherInput.day($0))" } ?? "") + " · companion \(a.companionMode.rawValue)"
              + (a.quizId != nil ? " · with a quiz" : "") + (a.note.map { " · \($0)" } ?? ""))
    }
}
