import Gateway
import Foundation
import Testing
import TestSupport
@testable import Inference

/// The client against a real OpenAI-compatible server on loopback (llama.cpp's `llama-server`
/// with SmolLM2-135M, started by ops/test).
@Suite(.enabled(if: RealInference.available, "needs QIANXUE_TEST_INFERENCE_URL (ops/test starts llama-server)"))
struct OpenAIRealServerTests {
    static let transport = HTTPOutboundTransport()

    func provider(model: String = RealInference.model) throws -> OpenAICompatibleProvider {
        OpenAICompatibleProvider(endpoint: try InferenceEndpoint(baseURL: RealInference.baseURL!, model: model, apiKey: nil), transport: Self.transport)
    }

    let hello = ChatRequest(messages: [.init(.system, "You are a helpful assistant."), .init(.user, "Say hello.")],
                            maxCompletionTokens: 12, temperature: 0)

    @Test func aChatCompletionStreamsWithUsageAndAFinishReason() async throws {
        EngineLog.recordRealInference(test: #function)
        var deltas: [String] = []
        var usage: TokenUsage?
        var finish: String?
        for try await c in try provider().stream(hello) {
            switch c {
            case .delta(let d): deltas.append(d)
            case .usage(let u): usage = u
            case .finish(let f): finish = f
            case .servedBy: break
            }
        }
        #expect(deltas.count > 1, "streamed in pieces")
        #expect(!deltas.joined().isEmpty)
        #expect((usage?.completionTokens ?? 0) > 0 && (usage?.completionTokens ?? 99) <= 12)
        #expect((usage?.promptTokens ?? 0) > 5)
        #expect(finish == "stop" || finish == "length")
    }

    @Test func theSameRequestWithoutStreamingGivesTheSameAnswer() async throws {
        EngineLog.recordRealInference(test: #function)
        let p = try provider()
        let streamed = try await p.accumulate(hello)
        let whole = try await p.complete(hello)
        #expect(whole.text == streamed.text, "temperature 0 is deterministic")
        #expect(whole.usage?.completionTokens == streamed.usage?.completionTokens)
    }

    @Test func theModelCheckFindsTheServedModelAndNamesAMissingOne() async throws {
        EngineLog.recordRealInference(test: #function)
        #expect(await (try provider()).checkModel() == .found(RealInference.model))
        let missing = await (try provider(model: "no-such-model")).checkModel()
        guard case .missing("no-such-model", let available) = missing else { Issue.record("\(missing)"); return }
        #expect(available.contains(RealInference.model))
    }

    @Test func aBadRequestBecomesATypedEndpointError() async throws {
        EngineLog.recordRealInference(test: #function)
        // A negative token bound is refused by the server with an OpenAI error body (llama.cpp
        // accepts an empty message list and any model name, so those cannot be used here).
        do {
            _ = try await provider().accumulate(ChatRequest(messages: [.init(.user, "hi")], maxCompletionTokens: -5))
            Issue.record("a negative token bound was accepted")
        } catch let e as InferenceError {
            guard case .endpoint(let status, let message, _, _) = e else { Issue.record("\(e)"); return }
            #expect((400..<500).contains(status))
            #expect(!message.isEmpty)
        }
    }
}
