import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// An OpenAI-compatible endpoint that does whatever it is asked, as a gullible model would: it
/// records every request and answers by reading out the request's system prompt word for word —
/// starting at a different line of it each time, so that an echo from anywhere is tried — then
/// the lesson's answer key. Streamed as server-sent events of two to four characters each.
final class GullibleEndpoint: Sendable {
    /// The answer key the model "knows" (the lesson's own); it must never reach a pupil.
    let secret: String
    /// What the endpoint answers once it is told to keep its role (`obedient` off).
    static let honestReply = "人工智能会改变很多工作里的具体任务，也会带来新的岗位。你觉得哪些任务最需要人来完成？为什么？"

    let bodies = Mutex<[String]>([])
    /// On: leaks the system prompt and the key. Off: answers like a model that keeps its role.
    let obedient = Mutex(true)

    var requestCount: Int { bodies.withLock { $0.count } }

    init(secret: String) {
        self.secret = secret
    }

    /// The prompt from its `n`-th line on (lines of the platform's rules, before the lesson's text),
    /// then the key as an answer.
    func leak(_ prompt: String, turn n: Int) -> String {
        let lines = prompt.split(separator: "\n", omittingEmptySubsequences: false)
        let rules = lines.firstIndex { $0.hasPrefix("本课：") } ?? lines.count
        let start = rules > 0 ? n % rules : 0
        return lines[start...].joined(separator: "\n") + "\n答案：" + secret
    }

    /// The system prompts of every request received so far.
    var systemPrompts: [String] { bodies.withLock { $0 }.compactMap(Self.systemPrompt(of:)) }

    /// The content of the first system message of a chat-completions request body.
    static func systemPrompt(of body: String) -> String? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              let messages = json["messages"] as? [[String: Any]] else { return nil }
        return messages.first { $0["role"] as? String == "system" }?["content"] as? String
    }

    func router() -> Router<BasicRequestContext> {
        let r = Router()
        r.post("v1/chat/completions") { request, _ in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            let n = self.bodies.withLock { $0.append(body); return $0.count }
            let reply = self.obedient.withLock { $0 } ? self.leak(Self.systemPrompt(of: body) ?? "", turn: n) : Self.honestReply
            let events = Self.pieces(of: reply).map { Self.event(["choices": [["index": 0, "delta": ["content": $0]] as [String: Any]]]) }
                + [Self.event(["choices": [["index": 0, "delta": [String: String](), "finish_reason": "stop"] as [String: Any]]]),
                   Self.event(["choices": [Any](), "usage": ["prompt_tokens": body.count / 2, "completion_tokens": reply.count]]),
                   "data: [DONE]\n\n"]
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                for e in events { try await writer.write(ByteBuffer(string: e)) }
                try await writer.finish(nil)
            })
        }
        return r
    }

    /// The reply cut into pieces of 2, 3, 4, 2, 3, 4… characters, so that a leak spans chunk boundaries.
    static func pieces(of text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            let size = 2 + out.count % 3
            out.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return out
    }

    static func event(_ object: [String: Any]) -> String {
        "data: " + String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8), as: UTF8.self) + "\n\n"
    }
}
