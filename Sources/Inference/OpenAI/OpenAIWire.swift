import Foundation
import QianxueCore

/// The OpenAI chat-completions wire format, as much of it as Qianxue sends and reads.
enum OpenAIWire {
    struct Request: Encodable {
        struct StreamOptions: Encodable { let include_usage: Bool }
        let model: String?
        let messages: [ChatMessage]
        let stream: Bool
        let stream_options: StreamOptions?
        let max_completion_tokens: Int
        /// llama.cpp's server before 2025 and some vLLM versions read only `max_tokens`; sending both is harmless.
        let max_tokens: Int
        let temperature: Double?
        let response_format: ResponseFormat?

        /// The request's JSON: written by hand (every streamed chat sends one, and `JSONEncoder`
        /// was most of building it), the document `JSONEncoder` writes once read (nil fields left
        /// out; keys in declaration order, `/` not escaped). A schema for the answer
        /// (`response_format`, a draft's) or a temperature JSON cannot hold goes through `JSONEncoder`.
        func json() throws -> [UInt8] {
            guard response_format == nil, temperature?.isFinite ?? true else { return Array(try JSONEncoder().encode(self)) }
            var out: [UInt8] = []
            out.reserveCapacity(192 + messages.reduce(0) { $0 + $1.content.utf8.count + 32 })
            out.append(UInt8(ascii: "{"))
            if let model {
                JSONBytes.appendKey("model", to: &out)
                JSONBytes.appendString(model, to: &out)
                out.append(UInt8(ascii: ","))
            }
            JSONBytes.appendKey("messages", to: &out)
            out.append(UInt8(ascii: "["))
            for (i, m) in messages.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "{"))
                JSONBytes.appendKey("role", to: &out)
                JSONBytes.appendString(m.role.rawValue, to: &out)
                out.append(UInt8(ascii: ","))
                JSONBytes.appendKey("content", to: &out)
                JSONBytes.appendString(m.content, to: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(contentsOf: "],".utf8)
            JSONBytes.appendKey("stream", to: &out)
            out.append(contentsOf: (stream ? "true" : "false").utf8)
            if let stream_options {
                out.append(UInt8(ascii: ","))
                JSONBytes.appendKey("stream_options", to: &out)
                out.append(contentsOf: (stream_options.include_usage ? #"{"include_usage":true}"# : #"{"include_usage":false}"#).utf8)
            }
            out.append(UInt8(ascii: ","))
            JSONBytes.appendKey("max_completion_tokens", to: &out)
            out.append(contentsOf: String(max_completion_tokens).utf8)
            out.append(UInt8(ascii: ","))
            JSONBytes.appendKey("max_tokens", to: &out)
            out.append(contentsOf: String(max_tokens).utf8)
            if let temperature {
                out.append(UInt8(ascii: ","))
                JSONBytes.appendKey("temperature", to: &out)
                out.append(contentsOf: "\(temperature)".utf8)
            }
            out.append(UInt8(ascii: "}"))
            return out
        }
    }

    struct Usage: Decodable {
        struct PromptDetails: Decodable { let cached_tokens: Int? }
        let prompt_tokens: Int?
        let completion_tokens: Int?
        let prompt_tokens_details: PromptDetails?

        var tokenUsage: TokenUsage {
            TokenUsage(promptTokens: prompt_tokens ?? 0, completionTokens: completion_tokens ?? 0,
                       cachedTokens: prompt_tokens_details?.cached_tokens)
        }
    }

    struct Chunk: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable {
                let content: String?
                let refusal: String?
            }
            let index: Int?
            let delta: Delta?
            let finish_reason: String?
        }
        let model: String?
        let choices: [Choice]?
        let usage: Usage?
        /// Some servers (llama.cpp, vLLM) put an error object into the stream instead of closing it.
        let error: ErrorBody.Detail?
    }

    struct Completion: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { let content: String? }
            let message: Message?
            let finish_reason: String?
        }
        let model: String?
        let choices: [Choice]
        let usage: Usage?
    }

    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            let message: String
            let type: String?
            /// A string at OpenAI, a number at llama.cpp (its HTTP status): read either.
            let code: String?

            enum Keys: String, CodingKey { case message, type, code }
            init(message: String, type: String?, code: String?) {
                self.message = message
                self.type = type
                self.code = code
            }

            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: Keys.self)
                message = try c.decodeIfPresent(String.self, forKey: .message) ?? "(no message)"
                type = try c.decodeIfPresent(String.self, forKey: .type)
                if let s = try? c.decodeIfPresent(String.self, forKey: .code) { code = s }
                else if let n = try? c.decodeIfPresent(Int.self, forKey: .code) { code = String(n) }
                else { code = nil }
            }
        }
        let error: Detail

        /// OpenAI, llama.cpp and vLLM write `{"error":{…}}`; Ollama writes `{"error":"model \"x\" not
        /// found, try pulling it first"}`; older vLLM releases write the fields at the top level.
        enum Shape: String, CodingKey { case error, message }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Shape.self)
            if let detail = try? c.decode(Detail.self, forKey: .error) {
                error = detail
            } else if let message = try? c.decode(String.self, forKey: .error) {
                error = Detail(message: message, type: nil, code: nil)
            } else if c.contains(.message) {
                error = try Detail(from: decoder)
            } else {
                throw DecodingError.keyNotFound(Shape.error, .init(codingPath: [], debugDescription: "no error"))
            }
        }
    }

    struct Models: Decodable {
        struct Model: Decodable { let id: String }
        let data: [Model]
    }

    /// The typed error for an error answer: the `{error:{…}}` body when there is one, else a short
    /// excerpt (an HTML error page from a proxy, say).
    static func error(status: Int, body: [UInt8], model: String?) -> InferenceError {
        if let e = try? JSONDecoder().decode(ErrorBody.self, from: Data(body)) {
            let notFound = e.error.code == "model_not_found"
                || (status == 404 && e.error.message.localizedCaseInsensitiveContains("model"))
                || (e.error.message.localizedCaseInsensitiveContains("model") && e.error.message.localizedCaseInsensitiveContains("not found"))
            if notFound, let model { return .unknownModel(model) }
            return .endpoint(status: status, message: e.error.message, type: e.error.type, code: e.error.code)
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("<") { return .endpoint(status: status, message: "an HTML page instead of a JSON error", type: nil, code: nil) }
        return .endpoint(status: status, message: text.isEmpty ? "no body" : text, type: nil, code: nil)
    }
}
