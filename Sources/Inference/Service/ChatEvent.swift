import Foundation

/// What a chat answer streams to the client, in the one event format of the API (DESIGN.md §5):
/// `delta` {text}, `flag` {category, severity, message}, `error` {problem}, `done` {messageId,
/// usage, provider, model}.
public enum ChatEvent: Sendable, Equatable {
    case delta(String)
    case flag(SafetyFlag)
    /// The answer broke off; what was sent stays, nothing follows.
    case error(InferenceError)
    case done(ChatDone)
}

public struct ChatDone: Sendable, Equatable {
    public let messageID: UUID
    public let text: String
    public let usage: TokenUsage?
    public let provider: String
    public let model: String
    /// `stop`, `length`, `content_filter` (stopped by the output screen), `refused` (input screen).
    public let finishReason: String
    public let firstTokenAfter: Duration?
    public let waited: Duration
}

/// One request for an answer, with what the safety pipeline needs.
public struct ChatJob: Sendable {
    public var messages: [ChatMessage]
    public var maxCompletionTokens: Int
    public var temperature: Double?
    public var passages: [GroundingPassage]
    /// Names to keep from the endpoint (classmates, teachers, the student), restored in the reply.
    public var names: [NameToRedact]
    /// Strings the reply must never contain (the system prompt's sentences, an answer key).
    public var forbidden: [String]
    public var ticket: InferenceTicket
    /// What the answer is for, in the ledger: `chat`, `companion`, `lesson-plan`, …
    public var purpose: String
    /// The school's county, for the county's budget and rollup.
    public var county: String?
    /// JSON the answer must match (a quiz); nil: free text.
    public var responseFormat: ResponseFormat?
    /// The lesson's exercises with their hints, for the offline provider.
    public var hintLadders: [HintLadder] = []

    public init(messages: [ChatMessage], maxCompletionTokens: Int = 512, temperature: Double? = nil,
                passages: [GroundingPassage] = [], names: [NameToRedact] = [], forbidden: [String] = [], ticket: InferenceTicket,
                purpose: String = "chat", county: String? = nil) {
        self.purpose = purpose
        self.county = county
        self.messages = messages
        self.maxCompletionTokens = maxCompletionTokens
        self.temperature = temperature
        self.passages = passages
        self.names = names
        self.forbidden = forbidden
        self.ticket = ticket
    }
}

/// Why a job is refused before anything streams: the gateway answers these as problems.
public enum ChatRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooLong(limit: Int)
    case invalidTokens(String)

    public var description: String {
        switch self {
        case .empty: return "the message is empty"
        case .tooLong(let n): return "the conversation is longer than \(n) characters"
        case .invalidTokens(let why): return why
        }
    }
}
