import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Inference
import NIOCore
import Synchronization
import Testing
import TestSupport

/// An OpenAI-compatible endpoint that sends one token a second, as an overloaded cluster does,
/// and notes when it was asked and when it wrote its first token.
final class OneTokenASecondEndpoint: Sendable {
    static let tokens = ["同学", "你好", "，", "我们", "先读", "课文"]
    let asked = Mutex<ContinuousClock.Instant?>(nil)
    let firstWritten = Mutex<ContinuousClock.Instant?>(nil)

    func router() -> Router<BasicRequestContext> {
        let r = Router()
        r.post("v1/chat/completions") { _, _ in
            self.asked.withLock { $0 = .now }
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                for t in Self.tokens {
                    try await Task.sleep(for: .seconds(1))
                    try await writer.write(ByteBuffer(string: "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\(t)\"},\"finish_reason\":null}]}\n\n"))
                    self.firstWritten.withLock { $0 = $0 ?? .now }
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
        let slow = OneTokenASecondEndpoint()
        try await GatewayFixture.over(endpoint: slow.router()) { f in
            try await f.app().testLive { client in
                let teacher = try await f.token(client, f.teacherA)
                var request = try streamedInferenceChat(port: client.port!, token: teacher, [
                    "messages": [["role": "user", "content": "请讲讲这一课。"]], "maxCompletionTokens": 16])
                request.headers.add(name: "idempotency-key", value: "slow-stream-1")

                // when the reply streams at one token a second
                let started = ContinuousClock.now
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                #expect(response.status == .ok)
                var received = ""
                var firstDelta: ContinuousClock.Instant?
                for try await buffer in response.body {
                    received += String(buffer: buffer)
                    if firstDelta == nil, received.contains("event: delta") { firstDelta = .now }
                }

                // then the first token is passed on as it comes, not held for a window of later ones:
                // within 1.5 s of the endpoint being asked, and well under the next token's second
                // (measured from the endpoint's side, so that a loaded test machine's sign-in and
                // connection set-up do not count against the stream)
                let delta = try #require(firstDelta)
                let asked = try #require(slow.asked.withLock { $0 })
                let written = try #require(slow.firstWritten.withLock { $0 })
                #expect(delta - asked < .milliseconds(1_500), "first delta \(delta - asked) after the endpoint was asked (\(delta - started) after the request)")
                #expect(delta - written < .milliseconds(400), "the gateway held the first token for \(delta - written)")
                #expect(received.contains("event: done"))
                #expect(received.contains("同学") && received.contains("课文"))

                // and with an Idempotency-Key the stream was not held back to be stored: a replay
                // answers the stored final message as JSON, without asking the endpoint again
                let replay = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                #expect(replay.headers["idempotent-replayed"].first == "true")
                #expect(replay.headers["content-type"].first == "application/json")
                let json = try JSONSerialization.jsonObject(with: Data(buffer: try await replay.body.collect(upTo: 1 << 20))) as? [String: Any]
                #expect(json?["text"] as? String == OneTokenASecondEndpoint.tokens.joined())
                #expect(json?["finishReason"] as? String == "stop")
            }
        }
    }
}
