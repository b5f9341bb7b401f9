import Companion
import Hummingbird
import Inference
import NIOCore
import OpenAPIRuntime
import Synchronization

/// A chat answer's events as the bytes of its `text/event-stream` body, written by the inference
/// path as they happen (on the HTTP client's event loop that read the chunk; a companion reply's
/// `done` and end from the task that stored it). Each event is also followed by the transcript
/// (for an idempotent replay).
///
/// Two ways out. Served by the gateway, the frames go straight to the client's channel
/// (`relay(to:finishing:)`): no task between the endpoint's chunk and the client's socket, and the
/// frames of one event-loop tick leave in one write. Read as an `HTTPBody` (the generated server
/// alone, as tests use it), frames that arrive while the reader is busy are joined, and a reader
/// that waits is handed the next frame at once.
final class EventFrameQueue: ReplyEventSink {
    private struct State {
        var pending: [UInt8] = []
        var finished = false
        var waiter: CheckedContinuation<ArraySlice<UInt8>?, Never>?
        /// Set once the response's head is out: frames go to this channel from then on.
        var channel: (any Channel)?
        /// A write of `pending` to the channel is queued on its event loop.
        var writeQueued = false
        /// The relay, waiting for the answer to end.
        var ended: CheckedContinuation<Void, Never>?
        /// The answer, cancelled when the client has gone.
        var answer: Task<Void, Never>?
        /// Where the frames enter the channel's pipeline, found at the first write.
        var entry: FrameEntry?
        /// The companion's, for its `done` (nil: not a companion reply).
        var breakReminder: Bool?
    }


    private let state = Mutex(State())
    private let transcript: StreamTranscript
    private let requestID: String

    init(transcript: StreamTranscript, requestID: String) {
        self.transcript = transcript
        self.requestID = requestID
    }

    /// The companion's reply: whether its `done` asks the student to take a break (told before it).
    func breakReminder(_ due: Bool) {
        state.withLock { $0.breakReminder = due }
    }

    /// The answer's task: cancelled when the client's connection is found closed.
    var answer: Task<Void, Never>? {
        get { state.withLock { $0.answer } }
        set { state.withLock { $0.answer = newValue } }
    }

    /// The response's body for `answer`, whose events come here. Left on the request's state, the
    /// frames go straight to the client's connection when the gateway serves the request
    /// (`GatewayPipeline.relayingEventFrames`); otherwise the body reads them.
    func body(answer: Task<Void, Never>) -> HTTPBody {
        self.answer = answer
        RequestScope.current.state?.leave(self)
        return EventFrameBody(self, answer: answer).httpBody
    }

    func send(_ event: ChatEvent) {
        var reminder: Bool?
        if case .done = event { reminder = state.withLock { $0.breakReminder } }
        transcript.follow(event, breakReminder: reminder)
        let frame = APIHandler.eventFrame(event, requestID: requestID, breakReminder: reminder)
        let waiter = state.withLock { s -> CheckedContinuation<ArraySlice<UInt8>?, Never>? in
            guard !s.finished else { return nil }
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.pending.append(contentsOf: frame)
            queueWrite(&s)
            return nil
        }
        waiter?.resume(returning: frame)
    }

    func finish() {
        let (waiter, rest, ended) = state.withLock { s -> (CheckedContinuation<ArraySlice<UInt8>?, Never>?, [UInt8], CheckedContinuation<Void, Never>?) in
            s.finished = true
            let ended = s.ended
            s.ended = nil
            // The last frames' write is queued on the channel's loop before the relay, resumed
            // below, ends the response (whose end is queued there after it).
            queueWrite(&s)
            if s.channel != nil { return (nil, [], ended) }
            let w = s.waiter
            s.waiter = nil
            guard w != nil else { return (nil, [], ended) }
            defer { s.pending = [] }
            return (w, s.pending, ended)
        }
        waiter?.resume(returning: rest.isEmpty ? nil : rest[...])
        ended?.resume()
    }

    /// In channel mode with frames pending and no write queued: queues one on the channel's loop.
    /// Called under the lock, so that a write marked queued is queued — whichever thread then
    /// finishes the answer, the response's end comes after it. (`execute` only enqueues.)
    private func queueWrite(_ s: inout State) {
        guard let channel = s.channel, !s.pending.isEmpty, !s.writeQueued else { return }
        s.writeQueued = true
        channel.eventLoop.execute { self.write(to: channel) }
    }

    /// On the channel's event loop: every frame pending, in one write. A closed channel (the client
    /// went away) cancels the answer, which stops reading the endpoint and gives back its slot.
    private func write(to channel: any Channel) {
        let (bytes, answer, known) = state.withLock { s -> ([UInt8], Task<Void, Never>?, FrameEntry?) in
            s.writeQueued = false
            defer { s.pending = [] }
            return (s.pending, s.answer, s.entry)
        }
        guard channel.isActive else {
            answer?.cancel()
            return
        }
        guard !bytes.isEmpty else { return }
        let entry = known ?? FrameEntry(channel)
        if known == nil { state.withLock { $0.entry = entry } }
        entry.write(bytes, on: channel)
    }

    /// Serves the answer's body straight to the client's channel, once Hummingbird has written the
    /// response's head there, and returns when the answer has ended and its last frames are queued
    /// on the channel's loop; `writer` then ends the response (its end is queued after them).
    func relay(to channel: any Channel, finishing writer: inout any ResponseBodyWriter) async throws {
        let ended = state.withLock { s -> Bool in
            s.channel = channel
            queueWrite(&s)
            return s.finished
        }
        if !ended {
            await withTaskCancellationHandler {
                await withCheckedContinuation { c in
                    let done = state.withLock { s -> Bool in
                        if s.finished { return true }
                        s.ended = c
                        return false
                    }
                    if done { c.resume() }
                }
            } onCancel: {
                answer?.cancel()
            }
        }
        try await writer.finish(nil)
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
