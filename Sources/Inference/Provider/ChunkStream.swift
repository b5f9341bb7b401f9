/// A stream of chunks produced by an async function: it runs in its own task, finishes the stream
/// when it returns (or with its error), and is cancelled when the reader stops listening.
enum ChunkStream {
    typealias Continuation = AsyncThrowingStream<ChatChunk, any Error>.Continuation

    static func producing(_ body: @escaping @Sendable (Continuation) async throws -> Void) -> AsyncThrowingStream<ChatChunk, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await body(continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The stream of a provider's `relay`.
    static func relaying(_ provider: some InferenceProvider, _ request: ChatRequest) -> AsyncThrowingStream<ChatChunk, any Error> {
        producing { continuation in
            try await provider.relay(request) { chunk in
                if case .terminated = continuation.yield(chunk) { return false }
                return true
            }
        }
    }
}
