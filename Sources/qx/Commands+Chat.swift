import ArgumentParser
import Foundation
import OpenAPIRuntime
import QianxueAPI

/// `qx chat`: a student's conversation with the learning companion in the terminal. The reply is
/// printed as it streams; safety notices, limits and locks are shown plainly.
struct Chat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Talk to the learning companion (智能学伴) about a lesson or an assignment (students).",
        discussion: """
        Examples:  qx chat --lesson jr-ai-and-jobs
                   qx chat --assignment 5b0c…   (see qx assignments)
                   echo "什么是训练数据？" | qx chat --lesson pl-find-ai-around-us
        Type a message and press Enter; /quit or Ctrl-D ends the session.
        """)

    @Option(help: "A lesson's slug, for free study.") var lesson: String?
    @Option(help: "An assignment's ID (from qx assignments).") var assignment: String?
    @Option(help: "Continue one of your open sessions instead of opening a new one.") var session: String?
    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if [lesson, assignment, session].compactMap({ $0 }).count != 1 {
            throw ValidationError("give exactly one of --lesson, --assignment or --session")
        }
    }

    func run() async throws {
        let s = try Session(options, timeout: .seconds(600))
        let sessionID: String
        if let session {
            sessionID = session
        } else {
            let opened: Components.Schemas.CompanionSession
            switch try await s.call({
                try await s.client.openCompanionSession(headers: .init(idempotencyKey: UUID().uuidString),
                                                        body: .json(.init(assignmentId: assignment, lessonSlug: lesson)))
            }) {
            case .created(let c): opened = try c.body.json
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
            sessionID = opened.id
            print(Terminal.bold("《\(opened.lessonTitle)》") + (opened.mode == .guided ? "  · 引导模式" + (opened.modeReason.map { "（\($0)）" } ?? "") : ""))
            print(opened.notice)
            if opened.mode == .guided, !opened.guidedActivities.isEmpty {
                print("课堂活动：" + opened.guidedActivities.joined(separator: "；"))
            }
            if let left = opened.minutesLeftToday { print("今天还可以使用约 \(left) 分钟。") }
        }
        let interactive = isatty(STDIN_FILENO) != 0
        while true {
            if interactive { print(Terminal.bold("你 › "), terminator: ""); flushOutput() }
            guard let line = readLine() else { break }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if text == "/quit" || text == "/exit" { break }
            if !interactive { print("你 › \(text)") }
            do {
                try await send(text, session: sessionID, s)
            } catch let e as QXError {
                print("⚠ \(e.description)")
                if e.description.contains("(423)") || e.description.contains("(429)") || e.description.contains("(403)") { throw ExitCode(2) }
            }
        }
    }

    private func send(_ text: String, session: String, _ s: Session) async throws {
        let output = try await s.call {
            try await s.client.sendCompanionMessage(path: .init(id: session),
                                                    headers: .init(idempotencyKey: UUID().uuidString, accept: [.init(contentType: .textEventStream)]),
                                                    body: .json(.init(content: text)))
        }
        let body: HTTPBody
        switch output {
        case .ok(let ok):
            switch ok.body {
            case .textEventStream(let b): body = b
            case .json(let m): print("学伴 › " + m.content); return
            }
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
        print(Terminal.bold("学伴 › "), terminator: "")
        flushOutput()
        let decoder = JSONDecoder()
        for try await event in body.asDecodedServerSentEvents() {
            let data = Data((event.data ?? "").utf8)
            switch event.event {
            case "delta":
                if let d = try? decoder.decode([String: String].self, from: data), let t = d["text"] { print(t, terminator: ""); flushOutput() }
            case "flag":
                if let f = try? decoder.decode(Components.Schemas.SafetyFlagEvent.self, from: data), f.severity != .low {
                    print("\n⚠ 安全提示（\(f.category.rawValue)，\(f.severity.rawValue)）")
                }
            case "error":
                print("\n⚠ 回答中断了：\(String(decoding: data, as: UTF8.self))")
            case "done":
                print("")
                if let d = try? decoder.decode(Components.Schemas.ChatDoneEvent.self, from: data) {
                    let label = d.provider == "safety" ? "安全提示" : "AI 生成 · \(d.model)"
                    print("  (\(label))")
                    if d.breakReminder == true { print("  你已经连续学习了一段时间，站起来活动一下、让眼睛休息一会儿吧。") }
                }
            default:
                break
            }
        }
    }
}

/// `qx assignments`: the signed-in student's assignments, or a class's for its teachers.
struct Assignments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Your assignments (students), or a class's (teachers: --class 8-2).",
                                                    discussion: "Examples: qx assignments   ·   qx assignments --class 8-2")
    @Option(name: .customLong("class"), help: "A class, by its code (8-2) or id (teachers).") var classID: String?
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let s = try Session(options)
        let items: [Components.Schemas.Assignment]
        if let classID {
            let id = try await TeacherInput.classID(classID, s)
            switch try await s.call({ try await s.client.listAssignments(query: .init(classId: id)) }) {
            case .ok(let ok): items = try ok.body.json.items
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        } else {
            switch try await s.call({ try await s.client.listMyAssignments() }) {
            case .ok(let ok): items = try ok.body.json.items
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        }
        if options.output == .json { return try printJSON(items) }
        printTable(["id", "lesson", "companion", "due", "quiz"], items.map {
            [$0.id, $0.lessonTitle + ($0.withdrawnAt != nil ? "（已撤回）" : ""), $0.companionMode.rawValue, $0.dueAt.map(TeacherInput.day) ?? "—",
             $0.quizId != nil ? "yes" : "—"]
        })
        if items.isEmpty { print("no assignments") }
    }
}

/// Pushes what was printed so far to the terminal (a streamed reply arrives piece by piece).
func flushOutput() {
    fflush(nil)
}

/// `qx assign`: a teacher assigns a lesson to one of their classes.
struct Assign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Assign a lesson to one of your classes (teachers).",
        discussion: """
        Examples:  qx assign jr-ai-and-jobs --class 8-2 --due 2026-12-05 --mode guided
                   qx assign --lesson jr-miao-silver-features --class 8-2 --due +3d --quiz 3f2a…   (a published quiz)
        """)
    @Argument(help: "The lesson's slug (or use --lesson).") var slug: String?
    @Option(name: .customLong("class"), help: "Your class, by its code (8-2) or id (see qx classes).") var classRef: String
    @Option(help: "The lesson's slug (see qx lessons search).") var lesson: String?
    @Option(name: [.customLong("mode"), .customLong("companion")], help: "What the learning companion may do: guided, open or off.") var companion: String = "guided"
    @Option(help: "Due day: 2026-12-05, today, tomorrow or +3d (end of that day in Asia/Shanghai).") var due: String?
    @Option(help: "A published quiz of the lesson (see qx quiz draft).") var quiz: String?
    @Option(help: "A note for the students.") var note: String?
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        guard let mode = Components.Schemas.CompanionMode(rawValue: companion) else {
            throw ValidationError("--mode is guided, open or off")
        }
        guard let lesson = slug ?? lesson else { throw ValidationError("name the lesson: qx assign SLUG --class CLASS") }
        let dueAt = try due.map { try TeacherInput.endOfDay($0) }
        let s = try Session(options)
        let classID = try await TeacherInput.classID(classRef, s)
        let a: Components.Schemas.Assignment
        switch try await s.call({
            try await s.client.createAssignment(headers: .init(idempotencyKey: UUID().uuidString),
                                                body: .json(.init(classId: classID, lessonSlug: lesson, companionMode: mode, dueAt: dueAt, note: note, quizId: quiz)))
        }) {
        case .created(let c): a = try c.body.json
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
        if options.output == .json { return try printJSON(a) }
        print("assigned 《\(a.lessonTitle)》 to \(classRef) (companion: \(a.companionMode.rawValue)" + (a.dueAt.map { ", due \(TeacherInput.day($0))" } ?? "")
              + (a.quizId != nil ? ", with its quiz" : "") + ") — id \(a.id)\nFollow it with: qx progress \(a.id)")
    }
}
