import Inference
import OpenAPIRuntime
import Synchronization

/// A chat answer's events as the bytes of its `text/event-stream` body, written by the inference
/// path as they happen (on the HTTP client's event loop that read the chunk) and read by the
/// response writer. Frames that arrive while the writer is busy are joined and go out in one
/// write; a writer that waits is handed the next frame at once. Each event is also followed by the
/// transcript (for an idempotent replay).
final class EventFrameQueue: ChatEventSink {
    private struct State {
        var pending: [UInt8] = []
        var finished = false
        var waiter: CheckedContinuation<ArraySlice<UInt8>?, Never>?
    }

    private let state = Mutex(State())
    private let transcript: StreamTranscript
    private let requestID: String
    private let breakReminder: Bool?

    init(transcript: StreamTranscript, requestID: String, breakReminder: Bool? = nil) {
        self.transcript = transcript
        self.requestID = requestID
        self.breakReminder = breakReminder
    }

    func send(_ event: ChatEvent) {
        transcript.follow(event)
        let frame = APIHandler.eventFrame(event, requestID: requestID, breakReminder: breakReminder)
        let waiter = state.withLock { s -> CheckedContinuation<ArraySlice<UInt8>?, Never>? in
            guard !s.finished else { return nil }
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.pending.append(contentsOf: frame)
            return nil
        }
        waiter?.resume(returning: frame)
    }

    func finish() {
        let (waiter, rest) = state.withLock { s -> (CheckedContinuation<ArraySlice<UInt8>?, Never>?, [UInt8]) in
            s.finished = true
            let w = s.waiter
            s.waiter = nil
            guard w != nil else { return (nil, []) }
            defer { s.pending = [] }
            return (w, s.pending)
        }
        waiter?.resume(returning: rest.isEmpty ? nil : rest[...])
    }

    /// Every frame written since the last call, joined; nil once the answer ended and all was read
    /// (or the reading task was cancelled).
    func next() async -> ArraySlice<UInt8>? {
        if Task.isCancelled { return nil }
        let ready = state.withLock { s -> ArraySlice<UInt8>?? in
            if !s.pending.isEmpty {
                defer { s.pending = [] }
                return .some(s.pending[...])
            }
            return s.finished ? .some(nil) : .none
        }
        if let ready { return ready }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { c in
                let now = state.withLock { s -> ArraySlice<UInt8>?? in
                    if !s.pending.isEmpty {
                        defer { s.pending = [] }
                        return .some(s.pending[...])
                    }
                    if s.finished || Task.isCancelled { return .some(nil) }
                    s.waiter = c
                    return .none
                }
                if let now { c.resume(returning: now) }
            }
        } onCancel: {
            state.withLock { s -> CheckedContinuation<ArraySlice<UInt8>?, Never>? in
                defer { s.waiter = nil }
                return s.waiter
            }?.resume(returning: nil)
        }
    }
}

/// The body over an `EventFrameQueue`. When the response is done with it — written to the end, or
/// the client went away — the answer is cancelled (a no-op once it has ended), so that an
/// abandoned answer stops reading the endpoint and gives back its slot.
struct EventFrameBody: AsyncSequence, Sendable {
    typealias Element = ArraySlice<UInt8>

    fileprivate final class Answer: Sendable {
        let task: Task<Void, Never>
        init(_ task: Task<Void, Never>) { self.task = task }
        deinit { task.cancel() }
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let queue: EventFrameQueue
        fileprivate let answer: Answer

        mutating func next() async -> ArraySlice<UInt8>? {
            await queue.next()
        }
    }

    private let queue: EventFrameQueue
    private let answer: Answer

    init(_ queue: EventFrameQueue, answer: Task<Void, Never>) {
        self.queue = queue
        self.answer = Answer(answer)
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(queue: queue, answer: answer) }

    var httpBody: HTTPBody { HTTPBody(self, length: .unknown, iterationBehavior: .single) }
}
