import ArgumentParser
import Foundation
import QianxueAPI

/// `qx quiz review ID`: the teacher walks a quiz draft item by item — approve, edit, remove —
/// each decision saved at once as a new version, then may approve the quiz.
struct QuizReview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Go through a quiz draft one item at a time: a approve · e edit in $EDITOR · r remove · s skip · q quit (what you reviewed is kept).",
        discussion: """
        Examples:  qx quiz review 3f2a…          (the items still pending; --all for every item)
                   qx quiz review 3f2a… --approve-all --publish --output json   (for scripts: every pending item approved as written)
        Each decision is saved at once as a new version of the draft; the quiz can be approved once no item is pending.
        """)
    @Argument(help: "The quiz draft's id (see qx draft ls --kind quiz).") var id: String
    @Flag(help: "Go through every item, not only the pending ones.") var all = false
    @Flag(help: "Approve every pending item as written and then the quiz, without asking.") var approveAll = false
    @Flag(help: "Publish the quiz after approving it, so that it may go with an assignment.") var publish = false
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let s = try Session(options)
        var d = try await DraftWriter.fetch(id, s)
        guard d.kind == .quiz, let items = d.items else { throw QXError("draft \(id) is a \(d.kind.rawValue), not a quiz: read it with qx draft show \(id)") }
        let json = options.output == .json
        // In JSON mode the terminal conversation goes to standard error, the draft to standard output.
        let say: (String) -> Void = json ? { FileHandle.standardError.write(Data(($0 + "\n").utf8)) } : { Swift.print($0) }
        if approveAll {
            if items.contains(where: { $0.review == .pending || ($0.review == nil && $0.approved != true) }) {
                let reviewed = items.map { i -> Components.Schemas.QuizItem in
                    var i = i
                    if i.review == .pending || (i.review == nil && i.approved != true) { i.review = .approved }
                    return i
                }
                d = try await DraftEditor.patch(d, .init(items: reviewed, note: "every pending item approved as written"), s)
            }
            d = try await finish(d, approve: true, say: say, s)
            return json ? try printJSON(d) : ()
        }
        let walked = items.enumerated().filter { all || $0.element.review == .pending }
        say(Terminal.bold(d.title) + "  ·  \(walked.count) of \(items.count) items to review  ·  a approve · e edit · r remove · s skip · q quit")
        walk: for (index, item) in walked {
            say("")
            QuizItemText.lines(item, number: index + 1).forEach(say)
            while true {
                let answer = try Prompt.ask("[a/e/r/s/q] › ").trimmingCharacters(in: .whitespaces).lowercased()
                var change = Components.Schemas.QuizItemChange()
                switch answer {
                case "a": change.review = .approved
                case "r": change.review = .removed
                case "s", "": continue walk
                case "q": break walk
                case "e":
                    let text = try await DraftEditor.openEditor(QuizItemText.editable(item), suffix: ".txt")
                    do {
                        guard let edited = try QuizItemText.change(from: text, to: item) else { say("no change; the item stays \(item.review?.rawValue ?? "pending")"); continue }
                        change = edited
                    } catch let e as QXError { say(Terminal.red(e.description)); continue }
                default: say("a approve · e edit in $EDITOR · r remove · s skip · q quit"); continue
                }
                do {
                    d = try await Self.review(d, item: item.id, change, s)
                } catch let e as QXError { say(Terminal.red(e.description)); continue }
                let now = d.items?.first { $0.id == item.id }
                say(Terminal.dim("  → \(now?.review?.rawValue ?? "saved") (version \(d.version))"))
                continue walk
            }
        }
        let pending = (d.items ?? []).enumerated().filter { $0.element.review == .pending }.map { String($0.offset + 1) }
        if pending.isEmpty, d.state != .approved, (try? Prompt.ask("\nEvery item is reviewed. Approve the quiz now? [y/N] "))?.lowercased().hasPrefix("y") == true {
            d = try await finish(d, approve: true, say: say, s)
        } else {
            say(pending.isEmpty ? "\n\(d.title): \(d.state.rawValue) (version \(d.version)). Approve with: qx draft approve \(d.id)"
                : "\nStill pending: item \(pending.joined(separator: ", ")). Go on with: qx quiz review \(d.id)")
        }
        if json { try printJSON(d) }
    }

    private func finish(_ d: Components.Schemas.Draft, approve: Bool, say: (String) -> Void, _ s: Session) async throws -> Components.Schemas.Draft {
        var d = try await DraftWriter.transition(d, approve: true, s)
        if publish { d = try await DraftWriter.transition(d, approve: false, s) }
        say("\(d.title): \(d.state.rawValue) (version \(d.version))" + (d.state == .approved ? ". Publish with: qx draft publish \(d.id)" : ""))
        return d
    }

    /// Saves one item's review onto the version read.
    static func review(_ d: Components.Schemas.Draft, item: String, _ change: Components.Schemas.QuizItemChange, _ s: Session) async throws -> Components.Schemas.Draft {
        switch try await s.call({
            try await s.client.reviewQuizItem(path: .init(id: d.id, itemId: item), headers: .init(ifMatch: "\"v\(d.version)\""), body: .json(change))
        }) {
        case .ok(let ok): return try ok.body.json
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
    }
}
