import ArgumentParser
import Foundation
import OpenAPIRuntime
import QianxueAPI

/// Asks the assistant for a draft and shows it as it is written: a spinner until the first
/// token, the text as it streams, then where the draft is and what to do next.
enum DraftWriter {
    static func write(_ kind: Components.Schemas.DraftKind, _ r: DraftCommands.Request, _ options: GlobalOptions,
                      sessionID: String? = nil, submissionID: String? = nil, itemCount: Int? = nil) async throws {
        let s = try Session(options, timeout: .seconds(600))
        let classID = try await r.classRef.asyncMap { try await TeacherInput.classID($0, s) }
        let body = Components.Schemas.DraftCreate(kind: kind, lessonSlug: r.lesson, classId: classID, instructions: r.instructions,
                                                  itemCount: itemCount, sessionId: sessionID, submissionId: submissionID)
        let json = options.output == .json
        let spinner = json ? nil : Spinner(kind == .quiz ? "AI 正在出题并检查每一道题…" : "AI 助教正在写…")
        let output = try await s.call {
            try await s.client.createDraft(headers: .init(idempotencyKey: UUID().uuidString,
                                                          accept: [.init(contentType: json ? .json : .textEventStream)]), body: .json(body))
        }
        let events: HTTPBody
        switch output {
        case .created(let c):
            switch c.body {
            case .json(let d):
                spinner?.stop()
                if json { return try printJSON(d) }
                return try await finish(d.id, r: r, s)
            case .textEventStream(let b): events = b
            }
        case .default(let status, let problem):
            spinner?.stop()
            throw QXError(problem: problem, status: status)
        }
        var spinning = spinner
        var draftID: String?
        var model = ""
        let decoder = JSONDecoder()
        for try await event in events.asDecodedServerSentEvents() {
            let data = Data((event.data ?? "").utf8)
            // Keep-alive comments (no event name) leave the spinner turning.
            if let name = event.event, name != "flag" { spinning?.stop(); spinning = nil }
            switch event.event {
            case "delta":
                if let d = try? decoder.decode([String: String].self, from: data), let t = d["text"] { print(t, terminator: ""); flushOutput() }
            case "flag":
                if let f = try? decoder.decode(Components.Schemas.SafetyFlagEvent.self, from: data), f.severity != .low {
                    print(Terminal.yellow("\n⚠ 安全提示（\(f.category.rawValue)）：\(f.message)"))
                }
            case "error":
                let detail = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]).flatMap { ($0["problem"] as? [String: Any])?["detail"] as? String }
                throw QXError("the draft broke off: \(detail ?? String(decoding: data, as: UTF8.self))")
            case "done":
                let d = try decoder.decode(Components.Schemas.ChatDoneEvent.self, from: data)
                guard let id = d.draftId else { throw QXError("no draft was stored: \(d.reason ?? d.finishReason)") }
                draftID = id
                model = d.provider == "offline" ? "离线：根据课文生成" : "AI 生成 · \(d.model)"
            default: break
            }
        }
        spinning?.stop()
        guard let draftID else { throw QXError("the draft ended without a result") }
        print("\n" + Terminal.dim("— 草稿 \(draftID) · \(model) · 待审阅"))
        try await finish(draftID, r: r, s)
    }

    private static func finish(_ id: String, r: DraftCommands.Request, _ s: Session) async throws {
        if r.edit {
            let d = try await DraftEditor.edit(id, file: nil, note: nil, s)
            print("saved version \(d.version) (\(d.state.rawValue)).")
        }
        print("Next:  qx draft show \(id)  ·  qx draft edit \(id)  ·  qx draft approve \(id)")
    }

    static func fetch(_ id: String, _ s: Session) async throws -> Components.Schemas.Draft {
        switch try await s.call({ try await s.client.getDraft(path: .init(id: id)) }) {
        case .ok(let ok): return try ok.body.json
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
    }

    /// Approves (or publishes) the version read.
    static func transition(_ d: Components.Schemas.Draft, approve: Bool, _ s: Session) async throws -> Components.Schemas.Draft {
        let etag = "\"v\(d.version)\""
        if approve {
            switch try await s.call({ try await s.client.approveDraft(path: .init(id: d.id), headers: .init(ifMatch: etag)) }) {
            case .ok(let ok): return try ok.body.json
            case .default(let status, let problem):
                var e = QXError(problem: problem, status: status)
                if status == 409, d.kind == .quiz { e = QXError(e.description + " — review them with qx quiz review \(d.id) (or approve all as written: qx draft approve \(d.id) --all-items)") }
                throw e
            }
        }
        switch try await s.call({ try await s.client.publishDraft(path: .init(id: d.id), headers: .init(ifMatch: etag)) }) {
        case .ok(let ok): return try ok.body.json
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
    }

    static func show(_ d: Components.Schemas.Draft) {
        Swift.print(Terminal.bold(d.title))
        let by = d.provider == "offline" ? "离线：根据课文生成" : "AI 生成 · \(d.model)"
        Swift.print("\(d.kind.rawValue) · \(d.state.rawValue) · version \(d.version) · \(by)" + (d.advisory ? " · 仅供参考，不是成绩" : ""))
        Swift.print(String(repeating: "─", count: 40))
        if let items = d.items {
            for (i, item) in items.enumerated() { QuizItemText.lines(item, number: i + 1).forEach { Swift.print($0) } }
        } else {
            Swift.print(Terminal.markdown(d.content))
        }
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
