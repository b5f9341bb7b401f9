import ArgumentParser
import Foundation
import QianxueAPI

/// `qx quiz …`: quizzes drafted by the assistant (teachers), taken by students in an assignment.
struct QuizCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quiz",
        abstract: "Draft a quiz from a lesson (teachers), or answer your assignment's quiz (students).",
        discussion: """
        Teachers:  qx quiz draft --lesson jr-miao-silver-features --class 8-2 --items 8
                   then qx quiz review ID (item by item) · qx draft publish ID · qx assign … --quiz ID
        Students:  qx quiz take 5b0c…   (see qx assignments)
        """,
        subcommands: [DraftQuiz.self, QuizReview.self, Take.self])

    struct DraftQuiz: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "draft", abstract: "Single-choice items in the assessment format, checked before they are stored.",
            discussion: "Example: qx quiz draft --lesson jr-miao-silver-features --class 8-2 --items 8")
        @Option(help: "Items (1–20).") var items = 8
        @OptionGroup var request: DraftCommands.Request
        @OptionGroup var options: GlobalOptions
        func validate() throws {
            guard (1...20).contains(items) else { throw ValidationError("--items is between 1 and 20") }
        }
        func run() async throws { try await DraftWriter.write(.quiz, request, options, itemCount: items) }
    }

    struct Take: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer your assignment's quiz: one question at a time; your score and the explanations after you submit.",
            discussion: "Examples: qx quiz take 5b0c…   ·   qx quiz take 5b0c… --answers q1=A,q2=C,q3=B")
        @Argument(help: "The assignment's id (see qx assignments).") var assignment: String
        @Option(help: "All answers at once, itemId=option separated by commas.") var answers: String?
        @OptionGroup var options: GlobalOptions
        func run() async throws {
            let s = try Session(options)
            let quiz: Components.Schemas.AssignmentQuiz
            switch try await s.call({ try await s.client.getAssignmentQuiz(path: .init(id: assignment)) }) {
            case .ok(let ok): quiz = try ok.body.json
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
            if let done = quiz.result { return try show(done, quiz: quiz) }
            var chosen: [(String, String)] = []
            if let answers {
                for pair in answers.split(separator: ",") {
                    let parts = pair.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parts.count == 2 else { throw ValidationError("--answers is itemId=option pairs, e.g. q1=A,q2=C,q3=BD (BD: a multiple-choice answer)") }
                    chosen.append((parts[0], parts[1]))
                }
            } else {
                print(Terminal.bold(quiz.title))
                for item in quiz.items {
                    let multiple = item._type == .multiple
                    print("\n\(item.id). \(multiple ? "（多选）" : "")\(item.stem)")
                    for o in item.options { print("   \(o.id.rawValue). \(o.text)") }
                    let ask = multiple ? "你的答案（选所有正确的，如 AC；全部选对才得分；回车跳过）：" : "你的答案（一个字母，回车跳过）："
                    let a = try Prompt.ask(ask).trimmingCharacters(in: .whitespaces).uppercased()
                    if !a.isEmpty { chosen.append((item.id, a)) }
                }
            }
            let body = Components.Schemas.QuizAnswers(answers: chosen.map { id, letters in
                let multiple = quiz.items.first { $0.id == id }?._type == .multiple
                return multiple ? .init(itemId: id, choices: letters.filter(\.isLetter).map(String.init)) : .init(itemId: id, choice: letters)
            })
            switch try await s.call({ try await s.client.submitQuizAnswers(path: .init(id: assignment), headers: .init(idempotencyKey: UUID().uuidString), body: .json(body)) }) {
            case .created(let c): try show(try c.body.json, quiz: quiz)
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        }

        private func show(_ r: Components.Schemas.QuizResult, quiz: Components.Schemas.AssignmentQuiz) throws {
            if options.output == .json { return try printJSON(r) }
            print(Terminal.bold("\n得分：\(r.score) / \(r.maxScore)"))
            for item in r.items {
                let stem = quiz.items.first { $0.id == item.itemId }?.stem ?? item.itemId
                let multiple = item._type == .multiple
                print("\(item.correct ? "✓" : Terminal.red("✗")) \(item.itemId). \(multiple ? "（多选）" : "")\(stem)")
                print("   你的答案：\(item.choices.isEmpty ? "—" : item.choices.joined(separator: "、"))  正确答案：\(item.keys.joined(separator: "、"))"
                      + (multiple ? "（多选题全部选对才得分）" : ""))
                print(Terminal.dim("   \(item.rationale)"))
            }
        }
    }
}

/// `qx lessons search`: the curriculum's search, where a teacher looks first.
struct Lessons: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find lessons to teach (the same as qx curriculum).",
        discussion: "Example: qx lessons search 苗族银饰 --band junior",
        subcommands: [CurriculumCommands.Search.self, CurriculumCommands.Show.self])
}
