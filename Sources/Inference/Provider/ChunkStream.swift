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
}
