import ArgumentParser
import Foundation
import OpenAPIRuntime
import QianxueAPI

/// `qx draft …`: the teacher assistant's drafts — written by AI, read, edited, approved, published.
struct DraftCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draft",
        abstract: "Ask the AI teaching assistant for a lesson plan or a differentiated design; review, edit, approve (teachers).",
        discussion: """
        Examples:  qx draft lesson-plan --lesson jr-miao-silver-features --class 8-2
                   qx draft show 3f2a…   ·   qx draft edit 3f2a…   ·   qx draft approve 3f2a…
        AI-written drafts reach students only after you approve and publish them.
        """,
        subcommands: [LessonPlan.self, Differentiation.self, Feedback.self, Show.self, List.self, Versions.self, Edit.self, Approve.self, Publish.self])

    /// What every "write me a draft" command takes.
    struct Request: ParsableArguments {
        @Option(help: "The lesson's slug (see qx lessons search).") var lesson: String
        @Option(name: .customLong("class"), help: "Your class, by its code (8-2) or id: the draft is written for its band.") var classRef: String?
        @Option(help: "What you want, in your words (e.g. 突出小组合作).") var instructions: String?
        @Flag(help: "Open the finished draft in $EDITOR to change it.") var edit = false
    }

    struct LessonPlan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lesson-plan", abstract: "A lesson plan (教案) for a lesson and your class, streamed as it is written.",
            discussion: "Example: qx draft lesson-plan --lesson jr-miao-silver-features --class 8-2 --instructions 突出小组合作 --edit")
        @OptionGroup var request: Request
        @OptionGroup var options: GlobalOptions
        func run() async throws { try await DraftWriter.write(.lessonPlan, request, options) }
    }

    struct Differentiation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One lesson for three levels in your class (分层教学), streamed as it is written.",
            discussion: "Example: qx draft differentiation --lesson pu-batik-patterns --class 5-1")
        @OptionGroup var request: Request
        @OptionGroup var options: GlobalOptions
        func run() async throws { try await DraftWriter.write(.differentiation, request, options) }
    }

    struct Feedback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Advisory feedback on a student's companion session or quiz answers (never a grade; their words go to the AI only with consent).",
            discussion: """
            Examples:  qx draft feedback --lesson jr-ai-and-jobs --session 7c1e…      (see qx transcripts --class 8-2)
                       qx draft feedback --lesson jr-ai-and-jobs --submission 2d4f…   (quizSubmissionId in qx progress ASSIGNMENT --output json)
            """)
        @Option(help: "The companion session (see qx transcripts).") var session: String?
        @Option(help: "The student's quiz answers (quizSubmissionId in qx progress --output json).") var submission: String?
        @OptionGroup var request: Request
        @OptionGroup var options: GlobalOptions
        func validate() throws {
            guard (session == nil) != (submission == nil) else { throw ValidationError("give --session or --submission, one of them") }
        }
        func run() async throws { try await DraftWriter.write(.feedback, request, options, sessionID: session, submissionID: submission) }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One draft: its state, who wrote it, its text or quiz items.",
                                                        discussion: "Example: qx draft show 3f2a…")
        @Argument(help: "The draft's id.") var id: String
        @OptionGroup var options: GlobalOptions
        func run() async throws {
            let s = try Session(options)
            let d = try await DraftWriter.fetch(id, s)
            if options.output == .json { return try printJSON(d) }
            DraftWriter.show(d)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "Your drafts, newest first.",
                                                        discussion: "Examples: qx draft ls   ·   qx draft ls --kind quiz --state approved")
        @Option(help: "lessonPlan, quiz, differentiation or feedback.") var kind: String?
        @Option(help: "draft, edited, approved or published.") var state: String?
        @Option(help: "At most this many (default 20).") var limit = 20
        @OptionGroup var options: GlobalOptions
        func run() async throws {
            let k = try kind.map { try Components.Schemas.DraftKind(rawValue: $0) ?? { throw ValidationError("--kind is lessonPlan, quiz, differentiation or feedback") }() }
            let st = try state.map { try Components.Schemas.DraftState(rawValue: $0) ?? { throw ValidationError("--state is draft, edited, approved or published") }() }
            let s = try Session(options)
            let items: [Components.Schemas.Draft]
            switch try await s.call({ try await s.client.listDrafts(query: .init(kind: k, state: st, pageSize: max(1, min(500, limit)))) }) {
            case .ok(let ok): items = try ok.body.json.items
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
            if options.output == .json { return try printJSON(items) }
            if items.isEmpty { return Swift.print("no drafts yet: try qx draft lesson-plan --lesson SLUG --class CLASS") }
            printTable(["id", "kind", "state", "v", "title", "changed"], items.map {
                [$0.id, $0.kind.rawValue, $0.state.rawValue, String($0.version), $0.title, TeacherInput.day($0.updatedAt)]
            })
        }
    }

    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every version of a draft: the AI's first, your edits, approval, publication.",
                                                        discussion: "Example: qx draft versions 3f2a…")
        @Argument(help: "The draft's id.") var id: String
        @OptionGroup var options: GlobalOptions
        func run() async throws {
            let s = try Session(options)
            let items: [Components.Schemas.DraftVersion]
            switch try await s.call({ try await s.client.listDraftVersions(path: .init(id: id), query: .init(pageSize: 500)) }) {
            case .ok(let ok): items = try ok.body.json.items
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
            if options.output == .json { return try printJSON(items) }
            printTable(["v", "state", "by", "when", "note"], items.map {
                [String($0.version), $0.state.rawValue, $0.author == .ai ? "AI" : "teacher", TeacherInput.day($0.createdAt), $0.note ?? ""]
            })
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a draft in $EDITOR (a quiz as JSON items), or from a file; the version you read is the one changed.",
            discussion: "Examples: qx draft edit 3f2a…   ·   qx draft edit 3f2a… --file plan.md --note 重写导入")
        @Argument(help: "The draft's id.") var id: String
        @Option(help: "Take the new text (or a quiz's JSON items) from this file instead of $EDITOR.") var file: String?
        @Option(help: "A note kept with the version.") var note: String?
        @OptionGroup var options: GlobalOptions
        func run() async throws {
            let s = try Session(options)
            let d = try await DraftEditor.edit(id, file: file, note: note, s)
            if options.output == .json { return try printJSON(d) }
            Swift.print("saved version \(d.version) (\(d.state.rawValue)). Next: qx draft approve \(d.id)")
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve the draft as you last read it; for a quiz, --all-items approves every item first.",
            discussion: "Examples: qx draft approve 3f2a…   ·   qx draft approve 3f2a… --all-items --publish")
        @Argument(help: "The draft's id.") var id: String
        @Flag(help: "A quiz: approve every pending item as written (or go through them with qx quiz review).") var allItems = false
        @Flag(help: "Publish it too, so that it may reach students.") var publish = false
        @OptionGroup var options: GlobalOptions
        func run() async throws {
            let s = try Session(options)
            var d = try await DraftWriter.fetch(id, s)
            if allItems, var items = d.items, items.contains(where: { $0.review == .pending }) {
                for i in items.indices where items[i].review == .pending { items[i].review = .approved }
                d = try await DraftEditor.patch(d, .init(items: items, note: "every pending item approved as written"), s)
            }
            d = try await DraftWriter.transition(d, approve: true, s)
            if publish { d = try await DraftWriter.transition(d, approve: false, s) }
            if options.output == .json { return try printJSON(d) }
            Swift.print("\(d.title): \(d.state.rawValue) (version \(d.version))" + (d.state == .approved ? ". Publish with: qx draft publish \(d.id)" : ""))
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish an approved draft: from now on it may reach students.",
                                                        discussion: "Example: qx draft publish 3f2a…  (a quiz then goes with: qx assign … --quiz ID)")
        @Argument(help: "The draft's id.") var id: String
        @OptionGroup var options: GlobalOptions
        func run() async throws {
            let s = try Session(options)
            let d = try await DraftWriter.transition(try await DraftWriter.fetch(id, s), approve: false, s)
            if options.output == .json { return try printJSON(d) }
            Swift.print("\(d.title): published (version \(d.version))")
        }
    }
}
