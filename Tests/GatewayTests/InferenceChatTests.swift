import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inference
import NIOCore
import Synchronization
import Testing
import TestSupport

/// An OpenAI-compatible endpoint that records the bodies it receives and answers a short stream.
final class RecordingEndpoint: Sendable {
    let bodies = Mutex<[String]>([])

    func router() -> Router<BasicRequestContext> {
        let r = Router()
        r.post("v1/chat/completions") { request, context in
            let body = try await request.body.collect(upTo: 1 << 20)
            self.bodies.withLock { $0.append(String(buffer: body)) }
            let chunks = ["好的", "，我收到了。"].map { "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\($0)\"}}]}\n\n" }
                + ["data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":4}}\n\ndata: [DONE]\n\n"]
            return Response(status: .ok, headers: [.contentType: "text/event-stream"],
                            body: .init(byteBuffer: ByteBuffer(string: chunks.joined())))
        }
        return r
    }
}

@Suite struct InferenceChatTests {
    func chat(_ client: some TestClientProtocol, _ token: String, _ message: String, stream: Bool,
              maxTokens: Int = 16) async throws -> (HTTPResponse.Status, String) {
        let body = try JSONSerialization.data(withJSONObject: ["messages": [["role": "user", "content": message]], "maxCompletionTokens": maxTokens,
                                                               "temperature": 0] as [String: Any])
        var headers = bearer(token)
        headers[.contentType] = "application/json"
        headers[.accept] = stream ? "text/event-stream" : "application/json"
        return try await client.execute(uri: "/v1/inference/chat", method: .post, headers: headers, body: ByteBuffer(bytes: body)) {
            ($0.status, String(buffer: $0.body))
        }
    }

    @Test func personalDataReachesTheEndpointOnlyAsPlaceholders() async throws {
        let endpoint = RecordingEndpoint()
        try await GatewayFixture.over(endpoint: endpoint.router()) { f in
            try await f.app().test(.router) { client in
                let teacher = try await f.token(client, f.teacherA)
                // when a message with a valid ID number, a phone number and a wrong-check-digit number goes through
                let (status, body) = try await chat(client, teacher, "学生证件11010519491231002X，家长电话13812345678，学号110105194912310021。", stream: true)
                #expect(status == .ok)
                #expect(body.contains("event: delta") && body.contains("event: done"))
                #expect(body.contains("\"provider\":\"openai-compatible\""))
                // then the endpoint received placeholders only; the invalid number passed unchanged
                let received = try #require(endpoint.bodies.withLock { $0.first })
                #expect(!received.contains("11010519491231002X") && received.contains("[身份证号]"))
                #expect(!received.contains("13812345678") && received.contains("[电话]"))
                #expect(received.contains("110105194912310021"))
            }
        }
    }

    @Test func theOfflineProviderAnswersByDefaultAsJSON() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().test(.router) { client in
                let teacher = try await f.token(client, f.teacherA)
                let (status, body) = try await chat(client, teacher, "侗族大歌是什么？", stream: false)
                #expect(status == .ok)
                let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
                #expect(json?["provider"] as? String == "offline")
                #expect(json?["model"] as? String == "qianxue-offline")
                #expect((json?["text"] as? String)?.contains("离线") == true)
            }
        }
    }

    @Test func badInputAndStudentsAreRefusedWithProblems() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().test(.router) { client in
                let teacher = try await f.token(client, f.teacherA)
                let student = try await f.token(client, f.studentA)
                #expect(try await chat(client, student, "你好", stream: true).0 == .forbidden)
                #expect(try await chat(client, teacher, "   ", stream: true).0 == .badRequest)
                #expect(try await chat(client, teacher, String(repeating: "长", count: 16_001), stream: true).0 == .contentTooLarge,
                        "a prompt over the size limit: 413 before any token is spent")
                // invalid UTF-8 inside the JSON: a 400 problem, not a crash
                var bytes = Array(#"{"messages":[{"role":"user","content":"caf"#.utf8)
                bytes += [0xC3, 0x28]   // an invalid two-byte sequence
                bytes += Array(#""}]}"#.utf8)
                var raw = bearer(teacher)
                raw[.contentType] = "application/json"
                try await client.execute(uri: "/v1/inference/chat", method: .post, headers: raw, body: ByteBuffer(bytes: bytes)) { r in
                    #expect(r.status == .badRequest)
                    #expect(r.isProblem(.validation))
                }
                let many = (0..<5).map { _ in ["role": "user", "content": String(repeating: "长", count: 3_500)] }
                var headers = bearer(teacher)
                headers[.contentType] = "application/json"
                try await client.execute(uri: "/v1/inference/chat", method: .post, headers: headers,
                                         body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["messages": many]))) { r in
                    #expect(r.status == .contentTooLarge)
                    #expect(r.isProblem(.payloadTooLarge))
                }
            }
        }
    }

    @Test(.enabled(if: RealInference.available, "needs the real llama-server (ops/test)"))
    func aChatCompletionStreamsThroughTheGatewayFromTheRealServer() async throws {
        EngineLog.recordRealInference(test: #function)
        try await GatewayFixture.with(.sqlite, configure: { c in
            c.inference = try? InferenceEndpoint(baseURL: RealInference.baseURL!, model: RealInference.model, apiKey: nil)
        }) { f in
            try await f.app().testLive { client in
                let teacher = try await f.token(client, f.teacherA)
                // 48 tokens: long enough to stream in several pieces past the output screen's hold-back.
                // Read with a generous timeout: on a loaded 2-core machine the model may run at 5 tokens/s.
                let request = try streamedInferenceChat(port: client.port!, token: teacher, [
                    "messages": [["role": "user", "content": "Write three sentences about the weather."]],
                    "maxCompletionTokens": 48, "temperature": 0])
                // a client of its own: the shared one gives up after 60 s without a byte, and a saturated
                // 2-core run can take that long before the model's first token
                let http = HTTPClient(eventLoopGroupProvider: .singleton,
                                      configuration: .init(timeout: .init(connect: .seconds(10), read: .seconds(300))))
                defer { Task { try? await http.shutdown() } }
                let response = try await http.execute(request, timeout: .seconds(300))
                #expect(response.status == .ok)
                let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
                #expect(body.components(separatedBy: "event: delta").count > 2, "several deltas")
                #expect(body.contains("event: done"))
                #expect(body.contains("\"model\":\"\(RealInference.model)\""))
            }
            await f.platform.outbound?.shutdown()
        }
    }
}
