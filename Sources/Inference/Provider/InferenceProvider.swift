/// A source of chat completions: the OpenAI-compatible endpoint, the embedded offline provider, or
/// (in tests of code around them) a fake. Streams end with `.usage` where known and `.finish`.
public protocol InferenceProvider: Sendable {
    /// For logs and the ledger: `openai-compatible` or `offline`.
    var kind: String { get }
    /// The model that answers (the configured one, or the endpoint's default).
    var model: String { get }

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatChunk, any Error>

    /// Streams the answer into `sink`, called in the task that reads the answer, until the stream
    /// ends or `sink` returns false (the caller wants no more). Providers that read a socket
    /// implement it so that no task stands between the socket and the caller; the default reads
    /// `stream(_:)`.
    func relay(_ request: ChatRequest, to sink: @escaping ChunkSink) async throws

    /// The whole answer at once (the OpenAI-compatible provider asks with `stream: false`).
    func complete(_ request: ChatRequest) async throws -> ChatCompletion
}

/// Takes one chunk of a streamed answer; false: stop reading.
public typealias ChunkSink = @Sendable (ChatChunk) -> Bool

extension InferenceProvider {
    public func relay(_ request: ChatRequest, to sink: @escaping ChunkSink) async throws {
        for try await chunk in stream(request) where !sink(chunk) { return }
    }

    /// The whole answer, accumulated from the stream.
    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        try await accumulate(request)
    }

    /// Reads the whole stream into one answer.
    public func accumulate(_ request: ChatRequest) async throws -> ChatCompletion {
        var text = ""
        var usage: TokenUsage?
        var finish: String?
        var served = model
        for try await chunk in stream(request) {
            switch chunk {
            case .delta(let d): text += d
            case .usage(let u): usage = u
            case .finish(let f): finish = f
            case .servedBy(_, let m): served = m
            }
        }
        return ChatCompletion(text: text, usage: usage, model: served, finishReason: finish)
    }
}
