import ArgumentParser
import Foundation
import QianxueAPI

/// `qx progress ASSIGNMENT`: how each student is doing, at-risk rows coloured; `--watch` refreshes.
struct Progress: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "An assignment's progress: per student opened, minutes, messages, hints, quiz score, flags; at-risk rows in red.",
        discussion: "Examples: qx progress 5b0c…   ·   qx progress 5b0c… --watch   ·   qx progress 5b0c… --output json")
    @Argument(help: "The assignment's id (see qx assignments --class CLASS).") var assignment: String
    @Flag(help: "Refresh until Ctrl-C.") var watch = false
    @Option(help: "Seconds between refreshes with --watch.") var every = 10
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let s = try Session(options)
        repeat {
            let p: Components.Schemas.AssignmentProgress
            switch try await s.call({ try await s.client.getAssignmentProgress(path: .init(id: assignment)) }) {
            case .ok(let ok): p = try ok.body.json
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
            if options.output == .json {
                try printJSON(p)
            } else {
                if watch, Terminal.styled { print("\u{1B}[2J\u{1B}[H", terminator: "") }
                render(p)
            }
            if watch { try await Task.sleep(for: .seconds(max(2, every))) }
        } while watch
    }

    private func render(_ p: Components.Schemas.AssignmentProgress) {
        let a = p.assignment
        print(Terminal.bold("《\(a.lessonTitle)》") + "  class \(a.className ?? a.classId)" + (a.dueAt.map { "  due \(TeacherInput.day($0))" } ?? "")
              + (a.withdrawnAt != nil ? "  (withdrawn)" : ""))
        let rows = p.students.map { r -> [String] in
            [r.name, r.opened ? "yes" : "no", String(r.minutes), String(r.messages), String(r.hintsUsed),
             r.quizScore.map { "\($0)/\(r.quizMaxScore ?? 0)" } ?? "—", r.openFlags > 0 ? "\(r.flags) (\(r.openFlags) open)" : String(r.flags),
             r.atRisk ? "⚠ " + (r.reasons ?? []).joined(separator: "; ") : ""]
        }
        printTable(["student", "opened", "min", "msgs", "hints", "quiz", "flags", "at risk"], rows, highlight: p.students.map(\.atRisk))
        let t = p.totals
        print("\n\(t.opened)/\(t.students) opened · \(t.minutes) min · \(t.messages) messages · \(t.hintsUsed) hints · quiz \(t.quizSubmitted) submitted"
              + (t.quizAverage.map { String(format: " (mean %.0f%%)", $0 * 100) } ?? "") + " · \(t.flags) flags · "
              + (t.atRisk > 0 ? Terminal.red("\(t.atRisk) at risk") : "0 at risk"))
    }
}

/// `qx class-mode open|close`: a live companion window for a class (required for primary pupils' open chat).
struct ClassMode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "class-mode", abstract: "Open or close class mode: the companion's live window for your class.",
        discussion: "Examples: qx class-mode open --class 3-1 --minutes 40   ·   qx class-mode close --class 3-1",
        subcommands: [Open.self, Close.self])

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open class mode for some minutes (1–240).",
                                                        discussion: "Example: qx class-mode open --class 3-1 --minutes 40")
        @Option(name: .customLong("class"), help: "Your class, by code (3-1) or id.") var classRef: String
        @Option(help: "How long, in minutes.") var minutes = 40
        @OptionGroup var options: GlobalOptions
        func run() async throws {
            let s = try Session(options)
            let id = try await TeacherInput.classID(classRef, s)
            switch try await s.call({ try await s.client.openClassMode(path: .init(id: id), body: .json(.init(minutes: minutes))) }) {
            case .ok(let ok):
                let m = try ok.body.json
                if options.output == .json { return try printJSON(m) }
                print("class mode open for \(classRef) until \(TeacherInput.day(m.until)) (Asia/Shanghai)")
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close class mode now.", discussion: "Example: qx class-mode close --class 3-1")
        @Option(name: .customLong("class"), help: "Your class, by code (3-1) or id.") var classRef: String
        @OptionGroup var options: GlobalOptions
        func run() async throws {
            let s = try Session(options)
            let id = try await TeacherInput.classID(classRef, s)
            switch try await s.call({ try await s.client.closeClassMode(path: .init(id: id)) }) {
            case .noContent: print(options.output == .json ? "{}" : "class mode closed for \(classRef)")
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        }
    }
}
