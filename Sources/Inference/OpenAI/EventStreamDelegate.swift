import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Reads one streamed answer on the HTTP client's event loop: AsyncHTTPClient hands each body part
/// to `didReceiveBodyPart` on the connection's loop, and the SSE parser, the chunk scanner and the
/// sink (output screen, names restored, the caller's frame written) run right there — no task is
/// woken per chunk between the endpoint's socket and the caller's. A part may end anywhere, even
/// inside a UTF-8 sequence or a `data:` line; the parser keeps what it has not finished.
///
/// Only the connection's event loop calls it (AsyncHTTPClient calls a delegate from one loop in
/// turn), so its state needs no lock; it is `@unchecked Sendable` because the protocol is not.
final class EventStreamDelegate: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void

    /// Why reading stopped early without an error: the sink wanted no more.
    struct Stopped: Error {}

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
    /// The response head arrived (before it, a closed connection may be retried: no answer began).
    var answered: Bool {
        if case .head = mode { return false }
        return true
    }
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

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        watchdog.touch()
        if head.status != .ok {
            mode = .errorBody(status: Int(head.status.code))
        } else {
            let type = head.headers.first(name: "content-type")?.lowercased() ?? ""
            mode = type.contains("text/event-stream") || type.contains("json") || type.isEmpty ? .events : .wrongType(type)
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        watchdog.touch()
        switch mode {
        case .events:
            do {
                try parser.feed(buffer.readableBytesView) { payload in
                    if !state.done { try state.handle(payload, sink: sink, watchdog: watchdog) }
                }
            } catch {
                return task.eventLoop.makeFailedFuture(error)
            }
            // `[DONE]`, or the sink wants no more: stop reading (the connection is closed).
            if state.done { return task.eventLoop.makeFailedFuture(Stopped()) }
        case .errorBody:
            keep(buffer, limit: 65_536)
        case .wrongType:
            keep(buffer, limit: 4_096)
        case .head:
            break
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    private func keep(_ buffer: ByteBuffer, limit: Int) {
        body.append(contentsOf: buffer.readableBytesView.prefix(max(0, limit - body.count)))
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
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
