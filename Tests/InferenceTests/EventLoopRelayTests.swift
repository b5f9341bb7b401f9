import Gateway
import Foundation
import Synchronization
import Testing
@testable import Inference

/// The endpoint's answer is read on the HTTP client's event loop (`EventStreamReceiver`, fed by Gateway's `HTTPOutboundTransport`): wherever
/// the bytes are cut — inside a character, a `data:` line, a CRLF, the JSON — the same chunks come
/// out, in order, with the finish reason and the usage.
@Suite(.serialized) struct EventLoopRelayTests {
    func provider(_ port: Int, size: Int) throws -> OpenAICompatibleProvider {
        var s = OpenAISettings()
        s.firstToken = .seconds(10)
        s.idle = .seconds(10)
        s.total = .seconds(30)
        return OpenAICompatibleProvider(endpoint: try InferenceEndpoint(baseURL: "http://127.0.0.1:\(port)/split/\(size)/v1", model: "m", apiKey: nil),
                                        transport: OpenAIFaultTests.transport, settings: s)
    }

    @Test func chunkBoundariesAnywhereInTheBytesYieldTheSameChunks() async throws {
        try await FaultyEndpoint.with { port in
            var seen: [[ChatChunk]] = []
            for size in [1, 2, 3, 5, 7, 11, 64, 4096] {
                let chunks = Chunks()
                try await provider(port, size: size).relay(ChatRequest(messages: [.init(.user, "hi")], maxCompletionTokens: 8)) { c in
                    chunks.append(c)
                    return true
                }
                seen.append(chunks.all)
            }
            let expected: [ChatChunk] = [.delta("侗族大歌"), .delta("是\"多声部\"\\合唱"), .delta("，没有指挥。🎶"), .finish("stop"),
                                         .usage(TokenUsage(promptTokens: 5, completionTokens: 3))]
            for (i, s) in seen.enumerated() { #expect(s == expected, "piece size #\(i)") }
        }
    }

    @Test func aSinkThatWantsNoMoreStopsTheReading() async throws {
        try await FaultyEndpoint.with { port in
            let chunks = Chunks()
            try await provider(port, size: 3).relay(ChatRequest(messages: [.init(.user, "hi")], maxCompletionTokens: 8)) { c in
                chunks.append(c)
                return false
            }
            #expect(chunks.all == [.delta("侗族大歌")])
        }
    }

    final class Chunks: Sendable {
        private let chunks = Mutex<[ChatChunk]>([])
        func append(_ c: ChatChunk) { chunks.withLock { $0.append(c) } }
        var all: [ChatChunk] { chunks.withLock { $0 } }
    }
}
