import Foundation

/// What one streamed chat-completion chunk says, as far as Qianxue reads it: the text of choice 0
/// (its `content`, else its `refusal`), its finish reason, the usage, or an error object.
struct StreamedChunk: Equatable {
    var text: String?
    var finishReason: String?
    var usage: TokenUsage?
    var error: InferenceError?

    /// Reads the chunk straight from its bytes with `JSONScanner`; a chunk it cannot read (an error
    /// object, escaped keys, anything malformed) goes through `JSONDecoder`, whose verdict stands.
    static func decode(_ payload: UnsafeBufferPointer<UInt8>, decoder: JSONDecoder) throws -> StreamedChunk {
        if let fast = try? scan(payload) { return fast }
        guard let chunk = try? decoder.decode(OpenAIWire.Chunk.self, from: Data(buffer: payload)) else {
            let text = String(decoding: payload.prefix(80), as: UTF8.self)
            throw InferenceError.malformed("a stream event that is not a JSON chunk: \(text)")
        }
        var out = StreamedChunk()
        if let e = chunk.error {
            out.error = .endpoint(status: Int(e.code ?? "") ?? 500, message: e.message, type: e.type, code: e.code)
            return out
        }
        // n > 1 is never asked for; read choice 0 only.
        if let choice = chunk.choices?.first(where: { ($0.index ?? 0) == 0 }) {
            out.text = choice.delta?.content ?? choice.delta?.refusal
            out.finishReason = choice.finish_reason
        }
        out.usage = chunk.usage?.tokenUsage
        return out
    }

    /// The common chunk, read without building anything but the strings used. Throws (and so hands
    /// over to `JSONDecoder`) on an `error` member and on anything it does not expect.
    static func scan(_ payload: UnsafeBufferPointer<UInt8>) throws -> StreamedChunk {
        var out = StreamedChunk()
        var s = JSONScanner(payload)
        var sawChoice = false
        try s.object { s, key in
            if key.elementsEqual("choices".utf8) {
                if try s.null() { return }
                try s.array { s in
                    let choice = try Self.choice(&s)
                    guard !sawChoice, choice.index ?? 0 == 0 else { return }
                    sawChoice = true
                    out.text = choice.text
                    out.finishReason = choice.finish
                }
            } else if key.elementsEqual("usage".utf8) {
                out.usage = try Self.usage(&s)
            } else if key.elementsEqual("error".utf8) {
                throw JSONScanner.Malformed()
            } else {
                try s.skip()
            }
        }
        try s.end()
        return out
    }

    private static func choice(_ s: inout JSONScanner) throws -> (index: Int?, text: String?, finish: String?) {
        var index: Int?
        var content: String?
        var refusal: String?
        var finish: String?
        try s.object { s, key in
            if key.elementsEqual("index".utf8) {
                index = try s.optionalInt()
            } else if key.elementsEqual("finish_reason".utf8) {
                finish = try s.optionalString()
            } else if key.elementsEqual("delta".utf8) {
                if try s.null() { return }
                try s.object { s, key in
                    if key.elementsEqual("content".utf8) { content = try s.optionalString() }
                    else if key.elementsEqual("refusal".utf8) { refusal = try s.optionalString() }
                    else { try s.skip() }
                }
            } else {
                try s.skip()
            }
        }
        return (index, content ?? refusal, finish)
    }

    private static func usage(_ s: inout JSONScanner) throws -> TokenUsage? {
        if try s.null() { return nil }
        var prompt: Int?
        var completion: Int?
        var cached: Int?
        try s.object { s, key in
            if key.elementsEqual("prompt_tokens".utf8) { prompt = try s.optionalInt() }
            else if key.elementsEqual("completion_tokens".utf8) { completion = try s.optionalInt() }
            else if key.elementsEqual("prompt_tokens_details".utf8) {
                if try s.null() { return }
                try s.object { s, key in
                    if key.elementsEqual("cached_tokens".utf8) { cached = try s.optionalInt() } else { try s.skip() }
                }
            } else {
                try s.skip()
            }
        }
        return TokenUsage(promptTokens: prompt ?? 0, completionTokens: completion ?? 0, cachedTokens: cached)
    }
}
