/// Where a chat answer's events go as they happen. The inference path calls `send` from whichever
/// thread produced the event — for an endpoint's answer, the HTTP client's event loop that read the
/// chunk — one event at a time and in order, then `finish` once: after `done` or `error`, or when
/// the answer was cancelled. A sink must not block: the gateway's appends the event's bytes to the
/// response and returns.
public protocol ChatEventSink: Sendable {
    func send(_ event: ChatEvent)
    func finish()
}

/// The events into an `AsyncStream` (callers that read events one by one: the assistant, JSON
/// answers, the companion's stream-returning `send`).
public struct ContinuationSink: ChatEventSink {
    public let continuation: AsyncStream<ChatEvent>.Continuation

    public init(continuation: AsyncStream<ChatEvent>.Continuation) { self.continuation = continuation }

    public func send(_ event: ChatEvent) { continuation.yield(event) }
    public func finish() { continuation.finish() }
}
