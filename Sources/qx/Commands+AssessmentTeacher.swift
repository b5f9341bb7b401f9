import ArgumentParser
import Foundation
import OpenAPIRuntime
import QianxueAPI

/// `qx score --class ID`: a teacher scores the class's written answers against their rubrics.
struct Score: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score your class's written test answers against their rubrics (teachers).",
        discussion: """
        Shows each answer waiting for a score with its rubric and asks for the points; an empty line skips it. \
        With --list, only lists them. With --suggest, the AI assistant's suggested score and reasons are shown first — \
        advisory: only the points you type are recorded.

        Examples: qx score --class 8-2 --suggest   ·   qx score --class 8-2 --list
        """)
    @Option(name: .customLong("class"), help: "The class: its short code (8-2) or id (see qx classes).") var classID: String
    @Flag(help: "List the answers waiting for a score without asking.") var list = false
    @Flag(help: "Show the AI assistant's suggested score (advisory) before asking.") var suggest = false
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let s = try Session(options)
        let pending: [Components.Schemas.WrittenResponse]
        let classID = try await TeacherInput.classID(classID, s)
        switch try await s.call({ try await s.client.listWrittenResponses(path: .init(id: classID)) }) {
        case .ok(let ok): pending = try ok.body.json.items
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
        if options.output == .json { return try printJSON(pending) }
        if pending.isEmpty { print("nothing waits for a score"); return }
        if list {
            return printTable(["student", "item", "answered", "text"], pending.map {
                [$0.studentName, $0.itemId, ISO8601DateFormatter().string(from: $0.answeredAt), String($0.text.prefix(40))]
            })
        }
        for w in pending {
            print("\n" + Terminal.bold("\(w.studentName) · \(w.itemId)"))
            print(w.stem)
            print("  答：" + w.text)
            for l in w.rubric.levels { print("  \(l.points) 分：\(l.descriptor)") }
            if let exemplar = w.rubric.exemplar { print("  参考：\(exemplar)") }
            if suggest {
                switch try await s.call({ try await s.client.suggestWrittenResponseScore(path: .init(id: w.id)) }) {
                case .ok(let ok):
                    let g = try ok.body.json
                    print("  AI 建议（仅供参考，由你决定）：\(g.suggestedPoints)/\(g.maxPoints) 分 — \(g.rationale)（\(g.model)）")
                case .default(let status, let problem): print("  ⚠ AI 建议不可用：\(QXError(problem: problem, status: status).description)")
                }
            }
            print("分数（0–\(w.rubric.maxPoints)，回车跳过）：", terminator: "")
            flushOutput()
            guard let line = readLine() else { return }
            guard let points = Int(line.trimmingCharacters(in: .whitespaces)) else { continue }
            switch try await s.call({ try await s.client.scoreWrittenResponse(path: .init(id: w.id), body: .json(.init(points: points))) }) {
            case .ok: print("已记录")
            case .default(let status, let problem): print("⚠ \(QXError(problem: problem, status: status).description)")
            }
        }
    }
}

/// `qx next`: a student's recommended next lessons; `qx next --class ID`: the class grouped by need.
struct Next: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Your next lessons from your AI-literacy result (students), or your class grouped by need (teachers, --class).",
        discussion: "Examples: qx next   (a student)   ·   qx next --class 8-2   (a teacher)")
    @Option(name: .customLong("class"), help: "Teachers: the class, its short code (8-2) or id.") var classID: String?
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let s = try Session(options)
        if let classText = classID {
            let classID = try await TeacherInput.classID(classText, s)
            let needs: Components.Schemas.ClassLearningNeeds
            switch try await s.call({ try await s.client.getClassRecommendations(path: .init(id: classID)) }) {
            case .ok(let ok): needs = try ok.body.json
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
            if options.output == .json { return try printJSON(needs) }
            for g in needs.groups {
                print("\n" + Terminal.bold("\(g.competency)（\(g.students.count) 人）") + "：" + g.students.map(\.name).joined(separator: "、"))
                for l in g.lessons { print("  \(l.lessonSlug)  \(l.title)（\(l.notDoneBy) 人未学）") }
            }
            if !needs.notAssessed.isEmpty { print("\n尚未测评：" + needs.notAssessed.map(\.name).joined(separator: "、")) }
            return
        }
        let path: Components.Schemas.LearningPath
        switch try await s.call({ try await s.client.getMyRecommendations() }) {
        case .ok(let ok): path = try ok.body.json
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
        if options.output == .json { return try printJSON(path) }
        for (n, item) in path.items.enumerated() {
            print("\n" + Terminal.bold("\(n + 1). \(item.title)") + "（\(item.lessonSlug)）")
            print("   " + item.reason)
        }
    }
}

/// `qx record STUDENT`: a student's AI-literacy record, as a table or saved as a printable page.
struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A student's AI-literacy record for the comprehensive quality evaluation; --html FILE saves the printable page.",
        discussion: "Examples: qx record 7c1e…   ·   qx record 7c1e… --html record.html   (the student's id: qx literacy --class 8-2 --output json)")
    @Argument(help: "The student's ID.") var student: String
    @Option(help: "Save the printable HTML page to this file.") var html: String?
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let s = try Session(options)
        if let html {
            switch try await s.call({ try await s.client.getLiteracyRecord(path: .init(id: student), query: .init(format: .html), headers: .init(accept: [.init(contentType: .html)])) }) {
            case .ok(let ok):
                let page = try await String(collecting: try ok.body.html, upTo: 10 * 1024 * 1024)
                try page.write(toFile: html, atomically: true, encoding: .utf8)
                print("saved \(html)")
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
            return
        }
        let record: Components.Schemas.LiteracyRecord
        switch try await s.call({ try await s.client.getLiteracyRecord(path: .init(id: student)) }) {
        case .ok(let ok): record = try ok.body.json
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
        if options.output == .json { return try printJSON(record) }
        print("\(record.name) · \(record.band) · \(record.attempts.count) attempts · \(record.lessons.count) lessons done")
        printTable(["finished", "kind", "θ", "SE", "items", "pending"], record.attempts.compactMap { a in
            a.result.map { r in [ISO8601DateFormatter().string(from: r.finishedAt), a.formTitle ?? a.kind.rawValue, String(format: "%.2f", r.theta),
                                 String(format: "%.2f", r.se), String(r.items), String(r.pendingTeacherScores ?? 0)] }
        })
    }
}
