import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Inference
import NIOCore
import Testing
import TestSupport

/// An OpenAI-compatible endpoint that sends one token a second, as an overloaded cluster does.
enum OneTokenASecondEndpoint {
    static let tokens = ["同学", "你好", "，", "我们", "先读", "课文"]

    static func router() -> Router<BasicRequestContext> {
        let r = Router()
        r.post("v1/chat/completions") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                for t in tokens {
                    try await Task.sleep(for: .seconds(1))
                    try await writer.write(ByteBuffer(string: "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\(t)\"},\"finish_reason\":null}]}\n\n"))
                }
                try await writer.write(ByteBuffer(string: "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"))
                try await writer.finish(nil)
            })
        }
        return r
    }
}

@Suite struct InferenceSlowEndpointTests {
    @Test func atOneTokenASecondTheFirstDeltaReachesTheClientWithinOneAndAHalfSeconds() async throws {
        let upstream = Application(router: OneTokenASecondEndpoint.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await upstream.test(.live) { endpoint in
            try await GatewayFixture.with(.sqlite, configure: { c in
                c.inference = try? InferenceEndpoint(baseURL: "http://127.0.0.1:\(endpoint.port!)/v1", model: "m", apiKey: nil)
            }) { f in
                try await f.app().test(.live) { client in
                    let teacher = try await f.token(client, f.teacherA)
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(client.port!)/v1/inference/chat")
                    request.method = .POST
                    request.headers.add(name: "authorization", value: "Bearer \(teacher)")
                    request.headers.add(name: "content-type", value: "application/json")
                    request.headers.add(name: "accept", value: "text/event-stream")
                    request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: [
                        "messages": [["role": "user", "content": "请讲讲这一课。"]], "maxCompletionTokens": 16] as [String: Any])))

                    // when the reply streams at one token a second
                    let started = ContinuousClock.now
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                    #expect(response.status == .ok)
                    var received = ""
                    var firstDelta: Duration?
                    for try await buffer in response.body {
                        received += String(buffer: buffer)
                        if firstDelta == nil, received.contains("event: delta") { firstDelta = .now - started }
                    }

                    // then the first token is passed on as it comes, not held for a window of later ones
                    let first = try #require(firstDelta)
                    #expect(first < .milliseconds(1_500), "first delta after \(first)")
                    #expect(first >= .milliseconds(900))
                    #expect(received.contains("event: done"))
                    #expect(received.contains("同学") && received.contains("课文"))
                }
                await f.platform.inference.shutdown()
            }
        }
    }
}
