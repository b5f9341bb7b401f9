import Foundation
import Hummingbird
import NIOCore
import Synchronization
import Testing

/// A loopback OpenAI-compatible endpoint that fails the way a sick inference cluster does, for the
/// gateway's fault tests: it hangs before the first token, answers 500, resets the connection in
/// the middle of a stream, or trickles one token a second. It counts the requests that reach it.
final class FaultModelEndpoint: Sendable {
    enum Fault: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case hang, error500, reset, trickle
        var testDescription: String { rawValue }
    }

    struct Reset: Error {}

    let fault: Fault
    let requests = Atomic<Int>(0)

    init(_ fault: Fault) { self.fault = fault }

    static func chunk(_ text: String) -> ByteBuffer {
        ByteBuffer(string: "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\(text)\"},\"finish_reason\":null}]}\n\n")
    }

    func router() -> Router<BasicRequestContext> {
        let r = Router()
        let fault = self.fault
        r.post("v1/chat/completions") { _, _ -> Response in
            self.requests.add(1, ordering: .relaxed)
            switch fault {
            case .error500:
                return Response(status: .internalServerError, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"message":"CUDA out of memory","type":"server_error"}}"#)))
            case .hang:
                // long past the gateway's first-token deadline (1 s in the tests), short enough not to hold up the test's end
                return Self.stream { _ in try await Task.sleep(for: .seconds(8)) }
            case .reset:
                return Self.stream { w in
                    try await w.write(Self.chunk("同学们好，"))
                    try await Task.sleep(for: .milliseconds(100))
                    throw Reset()
                }
            case .trickle:
                return Self.stream { w in
                    for t in ["同学", "你好", "，", "我们", "先读", "课文", "，", "再想", "一想", "。"] {
                        try await w.write(Self.chunk(t))
                        try await Task.sleep(for: .seconds(1))
                    }
                    try await w.write(ByteBuffer(string: "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"))
                }
            }
        }
        return r
    }

    static func stream(_ body: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void) -> Response {
        Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
            try await body(&writer)
            try await writer.finish(nil)
        })
    }
}
