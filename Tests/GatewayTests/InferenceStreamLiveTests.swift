import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Inference
import NIOCore
import Synchronization
import Testing
import TestSupport

/// An OpenAI-compatible endpoint that streams a long answer of numbered sentences, in bursts of
/// several chunks per write, and notes when its client (the gateway) went away.
final class LongAnswerEndpoint: Sendable {
    let sentences: Int
    let pause: Duration
    /// Writing to the gateway failed, or the handler was cancelled: the gateway closed the connection.
    let abandoned = Mutex(false)

    init(sentences: Int, pause: Duration) {
        self.sentences = sentences
        self.pause = pause
    }

    static func sentence(_ i: Int) -> String { "第\(i)句，侗族大歌。" }

    static func chunk(_ text: String) -> String {
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\(text)\"},\"finish_reason\":null}]}\n\n"
    }

    func router() -> Router<BasicRequestContext> {
        let r = Router()
        r.post("v1/chat/completions") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                do {
                    // a sentence in three chunks per write: the gateway gets several events per read
                    for i in 0..<self.sentences {
                        let s = Self.sentence(i)
                        let cut = [s.prefix(2), s.dropFirst(2).prefix(3), s.dropFirst(5)].map { Self.chunk(String($0)) }
                        try await writer.write(ByteBuffer(string: cut.joined()))
                        if self.pause > .zero { try await Task.sleep(for: self.pause) }
                    }
                    try await writer.write(ByteBuffer(string: "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":\(self.sentences * 3)}}\n\ndata: [DONE]\n\n"))
                    try await writer.finish(nil)
                } catch {
                    self.abandoned.withLock { $0 = true }
                    throw error
                }
            })
        }
        return r
    }
}

/// A streamed answer through a gateway listening on loopback, over real sockets on both sides: the
/// relay path (endpoint socket → parser, output screen → frame queue → response writer) as it runs
/// in production, which the router tests (no sockets) do not exercise. Serial in ops/test (live
/// sockets under client deadlines).
@Suite struct InferenceStreamLiveTests {
    func chatRequest(_ port: Int, _ token: String) throws -> HTTPClientRequest {
        try streamedInferenceChat(port: port, token: token, ["messages": [["role": "user", "content": "请讲讲侗族大歌。"]], "maxCompletionTokens": 2_000])
    }

    /// The text of the `delta` events of a stream, in order.
    static func deltas(_ stream: String) -> String {
        stream.components(separatedBy: "\n\n").compactMap { frame -> String? in
            guard frame.hasPrefix("event: delta\ndata: "),
                  let json = try? JSONSerialization.jsonObject(with: Data(frame.dropFirst("event: delta\ndata: ".count).utf8)) as? [String: Any]
            else { return nil }
            return json["text"] as? String
        }.joined()
    }

    /// A gateway (SQLite) whose inference endpoint is `endpoint`, live on loopback, with a teacher
    /// signed in: `body` gets the fixture, the gateway's port and the teacher's token.
    static func throughGateway(to endpoint: LongAnswerEndpoint,
                               _ body: @escaping @Sendable (GatewayFixture, Int, String) async throws -> Void) async throws {
        try await GatewayFixture.over(endpoint: endpoint.router()) { f in
            try await f.app().testLive { client in
                try await body(f, client.port!, try await f.token(client, f.teacherA))
            }
        }
    }

    @Test func aLongAnswerArrivesWholeAndInOrder() async throws {
        // given an endpoint that writes 300 sentences as fast as it can, three chunks a write
        let endpoint = LongAnswerEndpoint(sentences: 300, pause: .zero)
        try await Self.throughGateway(to: endpoint) { f, port, teacher in
            // when it streams through the gateway
            let response = try await HTTPClient.shared.execute(try chatRequest(port, teacher), timeout: .seconds(30))
            let body = String(buffer: try await response.body.collect(upTo: 8 << 20))

            // then the client has every sentence once, in order (the output screen's held-back
            // window released at the end), each event whole, and the stream ends with `done`
            #expect(response.status == .ok)
            #expect(Self.deltas(body) == (0..<300).map(LongAnswerEndpoint.sentence).joined())
            #expect(body.hasSuffix("\n\n") && body.components(separatedBy: "\n\n").dropLast().allSatisfy { $0.hasPrefix("event: ") })
            #expect(body.contains("event: done") && !body.contains("event: error"))
        }
    }

    @Test func aStreamUnderAnIdempotencyKeyIsReplayedAsItsFinalMessage() async throws {
        // given an endpoint with a short answer
        let endpoint = LongAnswerEndpoint(sentences: 20, pause: .zero)
        try await Self.throughGateway(to: endpoint) { f, port, teacher in
            var request = try chatRequest(port, teacher)
            request.headers.add(name: "idempotency-key", value: "live-stream-\(UUID())")

            // when the stream is asked for under a key, and then again with the same key — over
            // the same kept-alive connection, so the first response must have ended cleanly
            let first = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let stream = String(buffer: try await first.body.collect(upTo: 1 << 20))
            let again = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let replay = try await again.body.collect(upTo: 1 << 20)

            // then the first is the whole stream and the second its final message as JSON, replayed
            let text = (0..<20).map(LongAnswerEndpoint.sentence).joined()
            #expect(Self.deltas(stream) == text)
            #expect(stream.hasSuffix("\n\n") && stream.contains("event: done"))
            #expect(again.status == .ok)
            #expect(again.headers.first(name: "idempotent-replayed") == "true")
            let json = try JSONSerialization.jsonObject(with: Data(buffer: replay)) as? [String: Any]
            #expect(json?["text"] as? String == text)
        }
    }

    @Test func aClientThatLeavesMidAnswerStopsTheEndpointAndFreesTheSlot() async throws {
        // given an endpoint that would take 20 s to answer
        let endpoint = LongAnswerEndpoint(sentences: 400, pause: .milliseconds(50))
        try await Self.throughGateway(to: endpoint) { f, port, teacher in
            let request = try chatRequest(port, teacher)
            let (firstDelta, sawDelta) = AsyncStream<Void>.makeStream()
            let reading = Task {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                var text = ""
                for try await buffer in response.body {
                    text += String(buffer: buffer)
                    if text.contains("event: delta") { sawDelta.yield() }
                }
            }

            // when the client goes away after the first words
            for await _ in firstDelta { break }
            #expect(await f.platform.inference.service.scheduler.snapshot.inFlight == 1)
            reading.cancel()

            // then the gateway stops reading the endpoint (closing its connection) and the
            // answer's slot is free again, long before the answer would have ended
            let deadline = ContinuousClock.now + .seconds(10)
            var freed = false
            while ContinuousClock.now < deadline {
                let inFlight = await f.platform.inference.service.scheduler.snapshot.inFlight
                freed = endpoint.abandoned.withLock { $0 } && inFlight == 0
                if freed { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(endpoint.abandoned.withLock { $0 }, "the endpoint was still being read")
            #expect(await f.platform.inference.service.scheduler.snapshot.inFlight == 0)
        }
    }
}
