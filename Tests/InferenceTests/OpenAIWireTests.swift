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
        let sink: ChunkSink = { continuation.yield($0); return true }
        let watchdog = StreamWatchdog(settings: OpenAISettings())
        var i = 0, k = 0
        while i < bytes.count {
            let n = pieces[k % pieces.count]
            try parser.feed(bytes[i..<min(bytes.count, i + n)]) { try state.handle($0, sink: sink, watchdog: watchdog) }
            i += n; k += 1
        }
        for payload in parser.finish() {
            try Array(payload.utf8).withUnsafeBufferPointer { try state.handle($0, sink: sink, watchdog: watchdog) }
        }
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

    /// The byte-level reader and `JSONDecoder` agree on every chunk of every captured stream.
    @Test func theScannerReadsEveryCapturedChunkAsJSONDecoderDoes() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: SharedData.url("openai-sse").path).filter { $0.hasSuffix(".sse") }
        #expect(files.count >= 6)
        var scanned = 0
        for file in files {
            var parser = SSEParser()
            let payloads = try parser.feed(Array(try Data(contentsOf: SharedData.url("openai-sse/\(file)")))) + parser.finish()
            for payload in payloads where payload != "[DONE]" {
                let fast = try Array(payload.utf8).withUnsafeBufferPointer { try StreamedChunk.scan($0) }
                let slow = try Self.viaDecoder(payload)
                #expect(fast == slow, "\(file): \(payload.prefix(120))")
                scanned += 1
            }
        }
        #expect(scanned > 20)
    }

    @Test func theScannerUnescapesAndRefusesWhatItCannotRead() throws {
        func scan(_ json: String) throws -> StreamedChunk {
            try Array(json.utf8).withUnsafeBufferPointer { try StreamedChunk.scan($0) }
        }
        // escapes, a surrogate pair, choice 1 ignored, usage with cached tokens
        let c = try scan(#"{"choices":[{"index":1,"delta":{"content":"no"}},{"index":0,"delta":{"content":"a\"b\\c\n\u4f8f\ud83d\ude00/"},"finish_reason":null}],"usage":{"prompt_tokens":12,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":8}}}"#)
        #expect(c.text == "a\"b\\c\n侏😀/")
        #expect(c.usage == TokenUsage(promptTokens: 12, completionTokens: 3, cachedTokens: 8))
        #expect(try scan(#" {"choices":[{"delta":{"content":null,"refusal":"不行"},"finish_reason":"stop"}]} "#) ==
                StreamedChunk(text: "不行", finishReason: "stop"))
        // what the scanner must leave to JSONDecoder: errors, broken JSON, trailing garbage, fractions
        for bad in [#"{"error":{"message":"x"}}"#, #"{"choices":[{"delta":{"content":"a}]}"#, #"{"choices":[]} x"#,
                    #"{"usage":{"prompt_tokens":1.5}}"#, #"{"choices":[{"delta":{"content":"\x"}}]}"#, "[", "", #"{"a":tru}"#] {
            #expect(throws: (any Error).self, "\(bad)") { try scan(bad) }
        }
        // and the decoder's verdict then stands: an error object becomes a typed error
        let e = try Array(#"{"error":{"message":"overloaded","code":"503"}}"#.utf8).withUnsafeBufferPointer {
            try StreamedChunk.decode($0, decoder: JSONDecoder())
        }
        #expect(e.error == .endpoint(status: 503, message: "overloaded", type: nil, code: "503"))
    }

    static func viaDecoder(_ payload: String) throws -> StreamedChunk {
        let chunk = try JSONDecoder().decode(OpenAIWire.Chunk.self, from: Data(payload.utf8))
        var out = StreamedChunk()
        if let choice = chunk.choices?.first(where: { ($0.index ?? 0) == 0 }) {
            out.text = choice.delta?.content ?? choice.delta?.refusal
            out.finishReason = choice.finish_reason
        }
        out.usage = chunk.usage?.tokenUsage
        return out
    }
}
