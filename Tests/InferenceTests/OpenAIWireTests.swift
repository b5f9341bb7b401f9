import Foundation
import Testing
import TestSupport
@testable import Inference

/// The SSE parser and chunk decoder against real captured OpenAI streams (../shared/data/openai-sse).
@Suite(.enabled(if: SharedData.available, "needs ../shared/data")) struct OpenAIWireTests {
    struct Expected: Decodable {
        struct Choice: Decodable { let content: String?; let refusal: String?; let finish_reason: String? }
        struct Usage: Decodable { let prompt_tokens: Int; let completion_tokens: Int }
        let choices: [Choice]
        let usage: Usage
    }

    /// Feeds the bytes in pieces of the given sizes (cycling), through the parser and the decoder.
    func decode(_ bytes: [UInt8], pieces: [Int]) async throws -> [ChatChunk] {
        var parser = SSEParser()
        var state = OpenAICompatibleProvider.StreamState(limit: 100_000)
        let (stream, continuation) = AsyncThrowingStream<ChatChunk, any Error>.makeStream()
        let watchdog = StreamWatchdog(settings: OpenAISettings())
        var i = 0, k = 0
        while i < bytes.count {
            let n = pieces[k % pieces.count]
            for payload in try parser.feed(bytes[i..<min(bytes.count, i + n)]) {
                try state.handle(payload, out: continuation, watchdog: watchdog)
            }
            i += n; k += 1
        }
        for payload in parser.finish() { try state.handle(payload, out: continuation, watchdog: watchdog) }
        #expect(state.done)
        continuation.finish()
        var out: [ChatChunk] = []
        for try await c in stream { out.append(c) }
        return out
    }

    @Test(arguments: ["text_stream_with_usage.sse", "finish_reason_length_max_tokens_1.sse", "refusal.sse", "logprobs_say_foo.sse"])
    func capturedStreamsAccumulateToTheRecordedAnswer(file: String) async throws {
        // given a real captured stream and what it accumulates to
        let bytes = [UInt8](try Data(contentsOf: SharedData.url("openai-sse/\(file)")))
        let all = try JSONDecoder().decode([String: Expected].self, from: Data(contentsOf: SharedData.url("openai-sse/expected_accumulated.json")))
        let expected = try #require(all[file])
        // when it arrives in awkward pieces (1 byte, 7 bytes, 300 bytes: lines and UTF-8 split anywhere)
        for pieces in [[1], [7, 3], [300], [bytes.count]] {
            let chunks = try await decode(bytes, pieces: pieces)
            // then the text, the finish reason and the usage are what the recording says
            let text = chunks.compactMap { if case .delta(let d) = $0 { d } else { nil } }.joined()
            #expect(text == (expected.choices[0].content ?? expected.choices[0].refusal ?? ""))
            #expect(chunks.contains(.finish(expected.choices[0].finish_reason ?? "")))
            #expect(chunks.last == .usage(TokenUsage(promptTokens: expected.usage.prompt_tokens, completionTokens: expected.usage.completion_tokens)))
        }
    }

    @Test func errorBodiesBecomeTypedErrors() throws {
        let body = [UInt8](try Data(contentsOf: SharedData.url("openai-sse/errors/ddtrace_chat_completion_error.response_body.json")))
        let e = OpenAIWire.error(status: 401, body: body, model: "gpt-4o")
        guard case .endpoint(401, let message, "invalid_request_error", "invalid_api_key") = e else {
            Issue.record("unexpected \(e)"); return
        }
        #expect(message.hasPrefix("Incorrect API key provided"))
        #expect(!e.isRetryable)
        // llama.cpp's numeric code, an unknown model, and an HTML page from a proxy
        let llama = OpenAIWire.error(status: 400, body: Array(#"{"error":{"code":400,"message":"bad","type":"invalid_request_error"}}"#.utf8), model: nil)
        #expect(llama == .endpoint(status: 400, message: "bad", type: "invalid_request_error", code: "400"))
        let missing = OpenAIWire.error(status: 404, body: Array(#"{"error":{"message":"model 'x' not found","code":"model_not_found"}}"#.utf8), model: "x")
        #expect(missing == .unknownModel("x"))
        // Ollama's string error and vLLM's older flat body
        let ollama = OpenAIWire.error(status: 404, body: Array(#"{"error":"model \"x\" not found, try pulling it first"}"#.utf8), model: "x")
        #expect(ollama == .unknownModel("x"))
        let vllm = OpenAIWire.error(status: 404, body: Array(#"{"object":"error","message":"The model `x` does not exist.","type":"NotFoundError","param":null,"code":404}"#.utf8), model: "x")
        #expect(vllm == .unknownModel("x"))
        let flat = OpenAIWire.error(status: 400, body: Array(#"{"object":"error","message":"max_tokens is too large","type":"BadRequestError","code":400}"#.utf8), model: "x")
        #expect(flat == .endpoint(status: 400, message: "max_tokens is too large", type: "BadRequestError", code: "400"))
        let html = OpenAIWire.error(status: 502, body: Array("<html><body>Bad Gateway</body></html>".utf8), model: nil)
        #expect(html == .endpoint(status: 502, message: "an HTML page instead of a JSON error", type: nil, code: nil))
        #expect(html.isRetryable)
    }

    @Test func theParserHandlesCommentsFieldsAndLineEnds() throws {
        var p = SSEParser()
        let events = try p.feed(Array(": keep-alive\r\nevent: message\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\ndata: [DONE]\n\n".utf8))
        #expect(events == ["{\"a\":\n1}", "[DONE]"])
        var q = SSEParser(maxLine: 10)
        #expect(throws: InferenceError.self) { try q.feed(Array(repeating: UInt8(ascii: "x"), count: 11)) }
    }
}
