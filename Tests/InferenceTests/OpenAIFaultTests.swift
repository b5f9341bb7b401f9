import Gateway
import Foundation
import Testing
@testable import Inference

/// The client against faults a real server will not produce on demand. Serialized: an endless
/// stream keeps an event loop busy, which would slow the other faults' timings.
@Suite(.serialized) struct OpenAIFaultTests {
    static let transport = HTTPOutboundTransport()

    func provider(_ port: Int, _ fault: String, configure: (inout OpenAISettings) -> Void = { _ in }) throws -> OpenAICompatibleProvider {
        var s = OpenAISettings()
        s.firstToken = .seconds(5)
        s.idle = .seconds(5)
        s.total = .seconds(20)
        configure(&s)
        return OpenAICompatibleProvider(endpoint: try InferenceEndpoint(baseURL: "http://127.0.0.1:\(port)/\(fault)/v1", model: "smollm2-135m", apiKey: "k"),
                                        transport: Self.transport, settings: s)
    }

    /// Text received before the stream ended, and how it ended.
    func run(_ p: OpenAICompatibleProvider) async -> (text: String, error: InferenceError?) {
        var text = ""
        do {
            for try await c in p.stream(ChatRequest(messages: [.init(.user, "hi")], maxCompletionTokens: 8)) {
                if case .delta(let d) = c { text += d }
            }
            return (text, nil)
        } catch let e as InferenceError {
            return (text, e)
        } catch {
            return (text, .connection("unexpected \(error)"))
        }
    }

    @Test func aHealthyStreamArrivesWhole() async throws {
        try await FaultyEndpoint.with { port in
            let r = await run(try provider(port, "ok"))
            #expect(r.text == "你好！" && r.error == nil)
            let slow = await run(try provider(port, "slow"))
            #expect(slow.text == "一二三" && slow.error == nil, "300 ms between tokens is under the idle timeout")
            #expect(await (try provider(port, "ok")).checkModel() == .found("smollm2-135m"))
        }
    }

    @Test func hangsAndPausesTimeOut() async throws {
        try await FaultyEndpoint.with { port in
            let started = ContinuousClock.now
            let hang = await run(try provider(port, "hang") { $0.firstToken = .seconds(1) })
            #expect(hang.error == .timeout(.firstToken))
            #expect(ContinuousClock.now - started < .seconds(4))
            let pause = await run(try provider(port, "pause") { $0.idle = .seconds(1) })
            #expect(pause.text == "开始", "what was received is kept")
            #expect(pause.error == .timeout(.idle))
        }
    }

    @Test func resetsGarbageAndErrorPagesBecomeTypedErrors() async throws {
        try await FaultyEndpoint.with { port in
            let reset = await run(try provider(port, "reset"))
            #expect(reset.text == "一半")
            guard case .interrupted = reset.error else { Issue.record("reset gave \(String(describing: reset.error))"); return }
            guard case .malformed = await run(try provider(port, "garbage")).error else { Issue.record("garbage"); return }
            guard case .malformed = await run(try provider(port, "html")).error else { Issue.record("html"); return }
            let e500 = await run(try provider(port, "error500")).error
            #expect(e500 == .endpoint(status: 500, message: "CUDA out of memory", type: "server_error", code: nil))
            #expect(e500?.isRetryable == false && e500?.isEndpointFailure == true)
            let busy = await run(try provider(port, "busy")).error
            #expect(busy?.isRetryable == true)
            let refused = await run(try provider(1, "ok")).error
            guard case .connection = refused else { Issue.record("refused gave \(String(describing: refused))"); return }
        }
    }

    @Test func endlessOutputIsCutAtTheLimit() async throws {
        try await FaultyEndpoint.with { port in
            let r = await run(try provider(port, "endless") { $0.maxOutputCharacters = 200; $0.total = .seconds(60) })
            #expect(r.error == .outputLimit(200))
            #expect(r.text.count <= 200)
        }
    }
}
