import QianxueCore

/// Reads one streamed answer as the transport hands it over — on the HTTP client's event loop: the
/// SSE parser, the chunk scanner and the sink (output screen, names restored, the caller's frame
/// written) run right there, no task is woken per chunk between the endpoint's socket and the
/// caller's. A piece may end anywhere, even inside a UTF-8 sequence or a `data:` line; the parser
/// keeps what it has not finished.
///
/// The transport calls it one call at a time (`OutboundReceiver`), so its state needs no lock; it
/// is `@unchecked Sendable` for that reason.
final class EventStreamReceiver: OutboundReceiver, @unchecked Sendable {
    private enum Mode {
        /// Waiting for the response head.
        case head
        /// Server-sent events of the answer.
        case events
        /// An error status: its body (up to 64 KiB) becomes the typed error at the end.
        case errorBody(status: Int)
        /// Not an event stream: an excerpt of the body goes into the error.
        case wrongType(String)
    }

    private var mode = Mode.head
    private var parser = SSEParser()
    private var state: OpenAICompatibleProvider.StreamState
    private var body: [UInt8] = []
    private let sink: ChunkSink
    private let watchdog: StreamWatchdog
    private let model: String?

    init(limit: Int, sink: @escaping ChunkSink, watchdog: StreamWatchdog, model: String?) {
        state = OpenAICompatibleProvider.StreamState(limit: limit)
        self.sink = sink
        self.watchdog = watchdog
        self.model = model
    }

    func head(status: Int, contentType: String) throws {
        watchdog.touch()
        if status != 200 {
            mode = .errorBody(status: status)
        } else {
            let type = contentType
            mode = type.contains("text/event-stream") || type.contains("json") || type.isEmpty ? .events : .wrongType(type)
        }
    }

    func body(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Bool {
        watchdog.touch()
        switch mode {
        case .events:
            try parser.feed(bytes) { payload in
                if !state.done { try state.handle(payload, sink: sink, watchdog: watchdog) }
            }
            // `[DONE]`, or the sink wants no more: stop reading (the connection is closed).
            return !state.done
        case .errorBody:
            keep(bytes, limit: 65_536)
        case .wrongType:
            keep(bytes, limit: 4_096)
        case .head:
            break
        }
        return true
    }

    private func keep(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) {
        body.append(contentsOf: bytes.prefix(max(0, limit - body.count)))
    }

    func end() throws {
        switch mode {
        case .errorBody(let status):
            throw OpenAIWire.error(status: status, body: body, model: model)
        case .wrongType(let type):
            throw InferenceError.malformed("content type \(type): \(OpenAICompatibleProvider.excerpt(body))")
        case .head:
            throw InferenceError.malformed("the stream ended before any answer")
        case .events:
            for payload in parser.finish() where !state.done {
                try Array(payload.utf8).withUnsafeBufferPointer { try state.handle($0, sink: sink, watchdog: watchdog) }
            }
            // Ended without `[DONE]`: fine after a finish reason (some servers omit it), else broken.
            if !state.finished {
                throw watchdog.sawText ? InferenceError.interrupted("the stream ended early")
                    : InferenceError.malformed("the stream ended before any answer")
            }
        }
    }
}
