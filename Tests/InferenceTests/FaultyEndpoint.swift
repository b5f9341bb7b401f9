import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore

/// An in-process endpoint for the faults a real server will not produce on demand: hangs, error
/// pages, resets mid-stream, garbage, endless output. The path's first segment names the fault;
/// the rest is the OpenAI path (`/hang/v1/chat/completions`).
enum FaultyEndpoint {
    struct Fault: Error {}

    static func chunk(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\(escaped)\"},\"finish_reason\":null}]}\n\n"
    }

    static let done = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3}}\n\ndata: [DONE]\n\n"

    /// An answer with what a parser can trip on: multi-byte characters, CRLF and CR line ends, a
    /// comment, an `event:` field, escapes, the finish reason and the usage in chunks of their own.
    static let splitStream = ": ping\r\n\r\n" + chunk("侗族大歌") + "event: message\r\n"
        + chunk("是\"多声部\"\\合唱").replacingOccurrences(of: "\n\n", with: "\r\n\r\n") + chunk("，没有指挥。🎶").replacingOccurrences(of: "\n\n", with: "\r\r")
        + done

    static func stream(_ body: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void) -> Response {
        Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
            try await body(&writer)
            try await writer.finish(nil)
        })
    }

    static func router() -> Router<BasicRequestContext> {
        let r = Router()
        r.post("ok/v1/chat/completions") { _, _ in
            stream { w in for t in ["你", "好", "！"] { try await w.write(ByteBuffer(string: chunk(t))) }; try await w.write(ByteBuffer(string: done)) }
        }
        r.post("hang/v1/chat/completions") { _, _ in
            stream { _ in try await Task.sleep(for: .seconds(3)) }
        }
        r.post("pause/v1/chat/completions") { _, _ in
            stream { w in
                try await w.write(ByteBuffer(string: chunk("开始")))
                try await Task.sleep(for: .seconds(3))
            }
        }
        r.post("slow/v1/chat/completions") { _, _ in
            stream { w in
                for t in ["一", "二", "三"] { try await w.write(ByteBuffer(string: chunk(t))); try await Task.sleep(for: .milliseconds(300)) }
                try await w.write(ByteBuffer(string: done))
            }
        }
        r.post("reset/v1/chat/completions") { _, _ in
            stream { w in
                try await w.write(ByteBuffer(string: chunk("一半")))
                throw Fault()
            }
        }
        r.post("garbage/v1/chat/completions") { _, _ in
            stream { w in try await w.write(ByteBuffer(string: "data: <<<not json>>>\n\n")) }
        }
        r.post("html/v1/chat/completions") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<html><body>Welcome to nginx!</body></html>")))
        }
        r.post("error500/v1/chat/completions") { _, _ in
            Response(status: .internalServerError, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"message":"CUDA out of memory","type":"server_error","code":null}}"#)))
        }
        r.post("nomodel/v1/chat/completions") { _, _ in
            // Ollama's answer for a model it has not pulled
            Response(status: .notFound, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"error":"model \"m\" not found, try pulling it first"}"#)))
        }
        r.post("busy/v1/chat/completions") { _, _ in
            Response(status: .serviceUnavailable, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"message":"no slot available","type":"unavailable_error","code":503}}"#)))
        }
        r.post("endless/v1/chat/completions") { _, _ in
            // forty characters a piece, so that the limit is passed in a few writes even on a starved machine
            stream { w in while true { try await w.write(ByteBuffer(string: chunk(String(repeating: "无穷无尽", count: 10)))); try await Task.sleep(for: .milliseconds(1)) } }
        }
        r.post("split/:size/v1/chat/completions") { _, context in
            // A whole answer cut into pieces of `size` bytes (inside UTF-8 sequences, `data:`
            // lines, CRLFs and JSON alike), each written on its own after a pause.
            let size = max(1, Int(context.parameters.get("size") ?? "") ?? 1)
            let bytes = Array(splitStream.utf8)
            return stream { w in
                for start in stride(from: 0, to: bytes.count, by: size) {
                    try await w.write(ByteBuffer(bytes: bytes[start..<min(start + size, bytes.count)]))
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
        }
        r.get("ok/v1/models") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"object":"list","data":[{"id":"smollm2-135m","object":"model"}]}"#)))
        }
        return r
    }

    /// Runs `body` with the endpoint listening on a loopback port.
    static func with(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let app = Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.testLive { client in
            try await body(client.port!)
        }
    }
}
