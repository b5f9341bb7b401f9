import ArgumentParser
import Foundation
import QianxueAPI

/// `qx transcripts`: a class's companion sessions, and one session read with a reason (audited).
struct Transcripts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Your students' conversations with the companion: a class's sessions, or one read in full (with a reason; audited).",
        discussion: """
        Examples:  qx transcripts --class 8-2
                   qx transcripts --class 8-2 --student 龙小雨      (a name or an id)
                   qx transcripts --session 7c1e… --reason 跟进安全提示
        """)
    @Option(name: .customLong("class"), help: "Your class, by code (8-2) or id.") var classRef: String?
    @Option(help: "Only this student's sessions: their name (as listed) or id.") var student: String?
    @Option(help: "Read one session's messages.") var session: String?
    @Option(help: "Why you read it (required with --session; recorded in the audit log).") var reason: String?
    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if session == nil, classRef == nil { throw ValidationError("give --class to list sessions, or --session with --reason to read one") }
        if session != nil, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("say why you read this conversation: --reason \"…\" (it is recorded)")
        }
    }

    func run() async throws {
        let s = try Session(options)
        if let session {
            let items: [Components.Schemas.CompanionMessage]
            switch try await s.call({ try await s.client.listCompanionMessages(path: .init(id: session), query: .init(pageSize: 500, reason: reason)) }) {
            case .ok(let ok): items = try ok.body.json.items
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
            if options.output == .json { return try printJSON(items) }
            for m in items {
                let who = m.role == .student ? Terminal.bold("学生") : m.role == .companion ? "学伴" : Terminal.dim("提示")
                let flags = m.flags.isEmpty ? "" : Terminal.yellow("  ⚠ " + m.flags.map(\.category.rawValue).joined(separator: ", "))
                print("\(TeacherInput.day(m.createdAt))  \(who) › \(m.content)\(flags)")
            }
            return
        }
        let classID = try await TeacherInput.classID(classRef ?? "", s)
        var items: [Components.Schemas.CompanionSession]
        switch try await s.call({ try await s.client.listClassCompanionSessions(path: .init(id: classID), query: .init(pageSize: 200)) }) {
        case .ok(let ok): items = try ok.body.json.items
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
        if let student { items = items.filter { $0.studentId == student.lowercased() || $0.studentName == student } }
        if options.output == .json { return try printJSON(items) }
        if items.isEmpty { return print("no companion sessions") }
        printTable(["session", "student", "lesson", "mode", "opened", "last message"], items.map {
            [$0.id, $0.studentName ?? $0.studentId, $0.lessonTitle, $0.mode.rawValue, TeacherInput.day($0.createdAt), $0.lastMessageAt.map(TeacherInput.day) ?? "—"]
        })
        print("Read one with: qx transcripts --session ID --reason \"…\"")
    }
}

/// `qx flags`: safety flags of your students; `--ack ID` acknowledges one.
struct Flags: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Safety flags raised by your students' conversations; acknowledge or resolve them.",
        discussion: "Examples: qx flags   ·   qx flags --status open   ·   qx flags --ack 1a2b…   ·   qx flags --resolve 1a2b… --note 已和家长沟通")
    @Option(help: "open, acknowledged or resolved.") var status: String?
    @Option(help: "Acknowledge this flag.") var ack: String?
    @Option(help: "Resolve this flag (with --note).") var resolve: String?
    @Option(help: "What was done (with --resolve).") var note: String?
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let s = try Session(options)
        if let ack {
            switch try await s.call({ try await s.client.acknowledgeSafetyFlag(path: .init(id: ack)) }) {
            case .ok(let ok): return try report(try ok.body.json, "acknowledged")
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        }
        if let resolve {
            guard let note, !note.isEmpty else { throw ValidationError("say what was done: --note \"…\"") }
            switch try await s.call({ try await s.client.resolveSafetyFlag(path: .init(id: resolve), body: .json(.init(note: note))) }) {
            case .ok(let ok): return try report(try ok.body.json, "resolved")
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        }
        let st = try status.map { try Operations.ListSafetyFlags.Input.Query.StatusPayload(rawValue: $0) ?? { throw ValidationError("--status is open, acknowledged or resolved") }() }
        let items: [Components.Schemas.SafetyFlagRecord]
        switch try await s.call({ try await s.client.listSafetyFlags(query: .init(status: st, pageSize: 200)) }) {
        case .ok(let ok): items = try ok.body.json.items
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
        if options.output == .json { return try printJSON(items) }
        if items.isEmpty { return print("no safety flags") }
        printTable(["id", "student", "category", "severity", "status", "raised", "session"], items.map {
            [$0.id, $0.studentName ?? $0.studentId, $0.category.rawValue, $0.severity.rawValue, $0.status.rawValue, TeacherInput.day($0.createdAt), $0.sessionId ?? "—"]
        }, highlight: items.map { $0.status == .open })
    }

    private func report(_ f: Components.Schemas.SafetyFlagRecord, _ what: String) throws {
        if options.output == .json { return try printJSON(f) }
        print("flag \(f.id) \(what) (\(f.category.rawValue), \(f.severity.rawValue))")
    }
}
