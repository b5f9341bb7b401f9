import Gateway
import Foundation
import Synchronization
import Testing
@testable import Inference

/// A provider that follows a script, one step per call: fail with an error, or answer.
final class ScriptedProvider: InferenceProvider, Sendable {
    enum Step: Sendable { case fail(InferenceError), answer(String), failAfter(String, InferenceError) }
    let steps: Mutex<[Step]>
    let calls = Mutex(0)
    var kind: String { "openai-compatible" }
    var model: String { "scripted" }

    init(_ steps: [Step]) { self.steps = Mutex(steps) }

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatChunk, any Error> {
        calls.withLock { $0 += 1 }
        let step = steps.withLock { s in s.isEmpty ? Step.answer("好") : s.removeFirst() }
        return AsyncThrowingStream { c in
            switch step {
            case .fail(let e): c.finish(throwing: e)
            case .answer(let t): c.yield(.delta(t)); c.yield(.finish("stop")); c.finish()
            case .failAfter(let t, let e): c.yield(.delta(t)); c.finish(throwing: e)
            }
        }
    }
}

@Suite struct ResilientProviderTests {
    func run(_ p: ResilientProvider) async -> (text: String, servedBy: String?, error: (any Error)?) {
        var text = ""
        var served: String?
        do {
            for try await c in p.stream(ChatRequest(messages: [.init(.user, "侗族大歌有指挥吗？")])) {
                if case .delta(let d) = c { text += d }
                if case .servedBy(let provider, _) = c { served = provider }
            }
            return (text, served, nil)
        } catch {
            return (text, served, error)
        }
    }

    func resilient(_ s: ScriptedProvider, breaker: CircuitBreaker = CircuitBreaker()) -> ResilientProvider {
        ResilientProvider(primary: s, breaker: breaker, backoffBase: .milliseconds(5), backoffCap: .milliseconds(20))
    }

    @Test func retryableErrorsBeforeTheFirstByteAreRetriedTwice() async {
        let s = ScriptedProvider([.fail(.endpoint(status: 503, message: "busy", type: nil, code: nil)), .fail(.connection("reset")), .answer("你好")])
        let r = await run(resilient(s))
        #expect(r.text == "你好" && r.servedBy == "openai-compatible")
        #expect(s.calls.withLock { $0 } == 3)
    }

    @Test func aThirdFailureFallsBackToTheOfflineProvider() async {
        let s = ScriptedProvider([.fail(.connection("a")), .fail(.connection("b")), .fail(.connection("c"))])
        let r = await run(resilient(s))
        #expect(s.calls.withLock { $0 } == 3)
        #expect(r.servedBy == "offline")
        #expect(r.text.hasPrefix(OfflineProvider.notice))
    }

    @Test func errorsARetryCannotFixAreNotRetried() async {
        let s = ScriptedProvider([.fail(.endpoint(status: 400, message: "bad", type: nil, code: nil))])
        let r = await run(resilient(s))
        #expect(s.calls.withLock { $0 } == 1)
        #expect(r.error as? InferenceError == .endpoint(status: 400, message: "bad", type: nil, code: nil), "a client error is not the endpoint's fault")
        let timeout = ScriptedProvider([.fail(.timeout(.firstToken))])
        let t = await run(resilient(timeout))
        #expect(timeout.calls.withLock { $0 } == 1)
        #expect(t.servedBy == "offline", "a hung endpoint falls back without retrying")
    }

    @Test func aStreamThatBreaksMidwayIsNeitherRetriedNorReplaced() async {
        let s = ScriptedProvider([.failAfter("一半", .interrupted("reset"))])
        let r = await run(resilient(s))
        #expect(r.text == "一半")
        #expect(r.error as? InferenceError == .interrupted("reset"))
        #expect(s.calls.withLock { $0 } == 1)
    }

    @Test func theBreakerOpensAfterFiveFailuresAndProbesAfterTheCoolDown() async throws {
        // given an endpoint that fails every time
        let breaker = CircuitBreaker(threshold: 5, coolDown: .milliseconds(300))
        let s = ScriptedProvider(Array(repeating: .fail(.endpoint(status: 500, message: "down", type: nil, code: nil)), count: 6))
        let p = resilient(s, breaker: breaker)
        // when five requests fail (500 is not retried)
        for _ in 0..<5 { _ = await run(p) }
        #expect(breaker.state == .open)
        // then the next goes straight to the offline provider, without touching the endpoint
        let calls = s.calls.withLock { $0 }
        #expect(await run(p).servedBy == "offline")
        #expect(s.calls.withLock { $0 } == calls)
        // and after the cool-down one probe goes through; its failure reopens the breaker
        try await Task.sleep(for: .milliseconds(350))
        #expect(breaker.state == .halfOpen)
        _ = await run(p)
        #expect(s.calls.withLock { $0 } == calls + 1)
        #expect(breaker.state == .open)
        // a successful probe closes it
        try await Task.sleep(for: .milliseconds(350))
        let r = await run(p)
        #expect(r.servedBy == "openai-compatible")
        #expect(breaker.state == .closed)
    }

    @Test func killingTheEndpointSwitchesToOfflineWithinTheFirstTokenTimeout() async throws {
        // given a real HTTP endpoint that hangs, and one that is gone
        try await FaultyEndpoint.with { port in
            var settings = OpenAISettings()
            settings.firstToken = .seconds(1)
            let hung = OpenAICompatibleProvider(endpoint: try InferenceEndpoint(baseURL: "http://127.0.0.1:\(port)/hang/v1", model: "m", apiKey: nil),
                                                transport: OpenAIFaultTests.transport, settings: settings)
            let gone = OpenAICompatibleProvider(endpoint: try InferenceEndpoint(baseURL: "http://127.0.0.1:1/v1", model: "m", apiKey: nil),
                                                transport: OpenAIFaultTests.transport, settings: settings)
            for primary in [hung, gone] {
                let started = ContinuousClock.now
                let r = await run(ResilientProvider(primary: primary, backoffBase: .milliseconds(5)))
                #expect(r.servedBy == "offline")
                // The hung endpoint holds its answer for 3 s: well under that means the first-token
                // timeout (1 s) switched; the margin is for a loaded test machine.
                #expect(ContinuousClock.now - started < .milliseconds(2_500), "\(primary.endpoint.baseURL)")
            }
        }
    }

    @Test func anEndpointWithoutTheModelIsAnsweredOfflineWithoutOpeningTheBreaker() async throws {
        try await FaultyEndpoint.with { port in
            let primary = OpenAICompatibleProvider(endpoint: try InferenceEndpoint(baseURL: "http://127.0.0.1:\(port)/nomodel/v1", model: "m", apiKey: nil),
                                                   transport: OpenAIFaultTests.transport)
            let breaker = CircuitBreaker(threshold: 2, coolDown: .seconds(60))
            let p = ResilientProvider(primary: primary, breaker: breaker, backoffBase: .milliseconds(5))
            for _ in 0..<3 {
                let r = await run(p)
                #expect(r.servedBy == "offline")
            }
            // a missing model is the configuration's fault, not the endpoint's health
            #expect(breaker.state == .closed)
        }
    }
}
