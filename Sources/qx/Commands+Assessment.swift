import ArgumentParser
import Foundation
import QianxueAPI

/// `qx assess`: a student sits the AI-literacy test in the terminal, one item at a time.
struct Assess: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sit the AI-literacy test (students): one question at a time, your result at the end.",
        discussion: """
        Answer single choice with a letter (B), multiple choice with letters (A C), ordering with the
        letters in order (C A B D). An unfinished test resumes where it stopped. With --window, the
        pre- or post-test form your teacher opened for your class; with --form, a form by id.

        Examples:  qx assess   ·   qx assess --window   ·   qx assess --form junior-2026-2027-2-pre
        """)
    @Option(help: "Sit this fixed form (see GET /v1/assessment/forms).") var form: String?
    @Flag(help: "Sit the form of the assessment window open for your class.") var window = false
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let s = try Session(options)
        var attempt: Components.Schemas.AssessmentAttempt
        switch try await s.call({ try await s.client.startAssessmentAttempt(headers: .init(idempotencyKey: UUID().uuidString), body: .json(.init(kind: form != nil || window ? .form : .adaptive, formId: form))) }) {
        case .created(let c): attempt = try c.body.json
        case .ok(let ok): attempt = try ok.body.json; print("（继续上次没做完的测评）")
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
        while attempt.status == .inProgress, let item = attempt.item {
            print("\n" + Terminal.bold("第 \(attempt.answered + 1) 题") + "（最多 \(attempt.maxItems) 题）")
            print(item.stem)
            for o in item.options ?? [] { print("  \(o.id). \(o.text)") }
            print(prompt(for: item._type), terminator: "")
            flushOutput()
            guard let line = readLine() else { print("\n已保存，下次运行 qx assess 继续。"); return }
            let letters = line.uppercased().split(whereSeparator: { " ,，、".contains($0) }).map(String.init)
            var body = Components.Schemas.AssessmentAnswer(itemId: item.id)
            switch item._type {
            case .single: body.choice = letters.first
            case .multiple: body.choices = letters
            case .ordering: body.order = letters
            case .constructed: body.text = line
            }
            switch try await s.call({ try await s.client.answerAssessmentItem(path: .init(id: attempt.id), headers: .init(idempotencyKey: UUID().uuidString), body: .json(body)) }) {
            case .ok(let ok): attempt = try ok.body.json
            case .default(let status, let problem): print("⚠ \(QXError(problem: problem, status: status).description)")
            }
        }
        guard let result = attempt.result else { return }
        if options.output == .json { return try printJSON(result) }
        print("\n" + Terminal.bold("测评完成") + "：共 \(result.items) 题，总体能力 θ = \(String(format: "%.2f", result.theta))（标准误 \(String(format: "%.2f", result.se))）")
        if let pending = result.pendingTeacherScores, pending > 0 { print("另有 \(pending) 道简答题等老师评分，评分后结果会更新（qx record 查看）。") }
        printTable(["维度", "水平", "θ", "标准误", "题数"], result.dimensions.map {
            [$0.dimension, level($0.level) + ($0.indicative ? "（参考）" : ""), String(format: "%.2f", $0.theta), String(format: "%.2f", $0.se), String($0.items)]
        })
    }

    private func prompt(for type: Components.Schemas.AssessmentItemView._TypePayload) -> String {
        switch type {
        case .single: return "你的答案（一个字母）："
        case .multiple: return "你的答案（所有正确的字母，用空格隔开）："
        case .ordering: return "你的顺序（全部字母，从先到后）："
        case .constructed: return "写下你的回答："
        }
    }
}

/// `qx literacy --class ID`: a class's AI-literacy summary for its teachers.
struct Literacy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A class's AI-literacy summary (teachers): each student's latest result, levels per dimension.",
                                                    discussion: "Examples: qx literacy --class 8-2   ·   qx literacy --class 8-2 --output json")
    @Option(name: .customLong("class"), help: "The class: its short code (8-2) or id (see qx classes).") var classID: String
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let s = try Session(options)
        let summary: Components.Schemas.ClassLiteracy
        let classID = try await TeacherInput.classID(classID, s)
        switch try await s.call({ try await s.client.getClassLiteracy(path: .init(id: classID)) }) {
        case .ok(let ok): summary = try ok.body.json
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
        if options.output == .json { return try printJSON(summary) }
        print("\(summary.assessed) of \(summary.enrolled) students assessed")
        printTable(["student", "θ", "SE", "items", "finished"], summary.students.map { st in
            guard let r = st.latest else { return [st.name, "—", "—", "—", "not yet"] }
            return [st.name, String(format: "%.2f", r.theta), String(format: "%.2f", r.se), String(r.items), ISO8601DateFormatter().string(from: r.finishedAt)]
        })
        print("")
        printTable(["dimension", "understand", "apply", "create"], summary.levels.map { [$0.dimension, String($0.understand), String($0.apply), String($0.create)] })
    }
}

private func level(_ l: Components.Schemas.DimensionResult.LevelPayload) -> String {
    switch l {
    case .understand: return "理解"
    case .apply: return "应用"
    case .create: return "创造"
    }
}
