import Foundation

/// One message of a chat, as the OpenAI chat-completions API takes it.
public struct ChatMessage: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Codable { case system, user, assistant }
    public let role: Role
    public let content: String

    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// A lesson passage a caller hands the provider to ground the answer on (Inference imports
/// neither Curriculum nor Registry).
public struct GroundingPassage: Sendable, Hashable {
    public let source: String
    public let title: String
    public let text: String

    public init(source: String, title: String, text: String) {
        self.source = source
        self.title = title
        self.text = text
    }
}

/// An exercise of the lesson with its hints, gentle to specific — never its answer. The offline
/// provider climbs it one rung each time the student asks about the same exercise again.
public struct HintLadder: Sendable, Hashable {
    public let exercise: String
    public let prompt: String
    public let hints: [String]

    public init(exercise: String, prompt: String, hints: [String]) {
        self.exercise = exercise
        self.prompt = prompt
        self.hints = hints
    }
}

/// What a caller asks of a provider. `maxCompletionTokens` is always set: no request may run on
/// without a bound.
public struct ChatRequest: Sendable {
    public var messages: [ChatMessage]
    public var model: String?
    public var maxCompletionTokens: Int
    public var temperature: Double?
    /// Passages for grounding; the offline provider answers from them.
    public var passages: [GroundingPassage]
    /// JSON the answer must match (endpoints that support `response_format`); nil: free text.
    public var responseFormat: ResponseFormat?
    /// The lesson's exercises with their hints (the model reads them in the system prompt; the
    /// offline provider climbs them).
    public var hintLadders: [HintLadder]

    public init(messages: [ChatMessage], model: String? = nil, maxCompletionTokens: Int = 512,
                temperature: Double? = nil, passages: [GroundingPassage] = [], responseFormat: ResponseFormat? = nil,
                hintLadders: [HintLadder] = []) {
        self.hintLadders = hintLadders
        self.responseFormat = responseFormat
        self.messages = messages
        self.model = model
        self.maxCompletionTokens = maxCompletionTokens
        self.temperature = temperature
        self.passages = passages
    }

    /// The last user message: what the student or teacher just asked.
    public var question: String { messages.last { $0.role == .user }?.content ?? "" }
}

/// Tokens counted by the endpoint (or estimated by the offline provider).
public struct TokenUsage: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    /// Prompt tokens the server served from its prefix cache, where it reports them.
    public var cachedTokens: Int?

    public init(promptTokens: Int, completionTokens: Int, cachedTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
    }

    public var total: Int { promptTokens + completionTokens }
}

/// One piece of a streamed answer.
public enum ChatChunk: Sendable, Hashable {
    /// Text to append.
    case delta(String)
    /// Token counts (the endpoint sends them last, with `stream_options.include_usage`).
    case usage(TokenUsage)
    /// Why generation ended: `stop`, `length`, `content_filter`, …
    case finish(String)
    /// Which provider and model answer (sent first by `ResilientProvider`, which may fall back).
    case servedBy(provider: String, model: String)
}

/// A whole answer, for callers that do not stream.
public struct ChatCompletion: Sendable, Hashable {
    public var text: String
    public var usage: TokenUsage?
    public var model: String
    public var finishReason: String?

    public init(text: String, usage: TokenUsage?, model: String, finishReason: String?) {
        self.text = text
        self.usage = usage
        self.model = model
        self.finishReason = finishReason
    }
}
