import ChildProcesses
import Foundation
import QianxueAPI

/// Changes a draft's text (or a quiz's items, as JSON) in the teacher's editor or from a file,
/// sent with the version read as `If-Match`.
enum DraftEditor {
    static func edit(_ id: String, file: String?, note: String?, _ s: Session) async throws -> Components.Schemas.Draft {
        let d = try await DraftWriter.fetch(id, s)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let before = d.items == nil ? d.content : String(decoding: try encoder.encode(d.items), as: UTF8.self)
        let after: String
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw QXError("cannot read \(file)") }
            after = text
        } else {
            after = try await openEditor(before, suffix: d.items == nil ? ".md" : ".json")
        }
        guard after != before else { throw QXError("no change: the draft stays at version \(d.version)") }
        if d.items != nil {
            do {
                let items = try JSONDecoder().decode([Components.Schemas.QuizItem].self, from: Data(after.utf8))
                return try await patch(d, .init(items: items, note: note), s)
            } catch let e as DecodingError {
                throw QXError("the quiz items are not valid JSON items: \(e)")
            }
        }
        return try await patch(d, .init(content: after, note: note), s)
    }

    static func patch(_ d: Components.Schemas.Draft, _ change: Components.Schemas.DraftEdit, _ s: Session) async throws -> Components.Schemas.Draft {
        switch try await s.call({ try await s.client.editDraft(path: .init(id: d.id), headers: .init(ifMatch: "\"v\(d.version)\""), body: .json(change)) }) {
        case .ok(let ok): return try ok.body.json
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
    }

    /// Opens `$VISUAL` or `$EDITOR` (else vi) on the text and returns what was saved.
    static func openEditor(_ text: String, suffix: String) async throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qx-draft-\(UUID().uuidString)\(suffix)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let env = ProcessInfo.processInfo.environment
        let editor = env["VISUAL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"
        // Its end is awaited by a thread in waitpid (QianxueCore.ChildProcess), not Foundation's Process.
        let status = try await ChildProcess("/bin/sh", ["-c", "\(editor) \"$1\"", "qx-editor", path], stdin: .inherit).exitStatus()
        guard status == 0 else { throw QXError("\(editor) exited with status \(status); nothing was saved") }
        return try String(contentsOfFile: path, encoding: .utf8)
    }
}
