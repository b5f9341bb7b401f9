/// Timeouts and limits of the OpenAI-compatible client, all configurable.
public struct OpenAISettings: Sendable, Equatable {
    /// To open the connection (set on the shared HTTP client).
    public var connect: Duration = .seconds(5)
    /// From sending the request to the first text of the answer (prefill on CPU is slow).
    public var firstToken: Duration = .seconds(60)
    /// Between two pieces of the stream.
    public var idle: Duration = .seconds(30)
    /// For the whole answer.
    public var total: Duration = .seconds(300)
    /// Characters after which an answer is cut as endless.
    public var maxOutputCharacters = 20_000

    public init() {}
}
