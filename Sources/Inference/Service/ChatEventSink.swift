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
/// answers).
struct ContinuationSink: ChatEventSink {
    let continuation: AsyncStream<ChatEvent>.Continuation

    func send(_ event: ChatEvent) { continuation.yield(event) }
    func finish() { continuation.finish() }
}
