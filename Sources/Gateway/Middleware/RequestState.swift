import Foundation
import Synchronization

/// Facts that inner middleware learn and outer middleware log (the request context is passed by
/// value down the chain, so a shared box carries them back up).
final class RequestState: Sendable {
    private let userIDBox = Mutex<UUID?>(nil)
    private let etagBox = Mutex<String?>(nil)
    private let finalMessageBox = Mutex<Data?>(nil)
    private let keepsFinalMessageBox = Atomic<Bool>(false)
    private let eventFramesBox = Mutex<EventFrameQueue?>(nil)

    /// A streamed answer the handler returned, which the gateway writes straight to the client's
    /// connection rather than through the generated server's body.
    func leave(_ frames: EventFrameQueue) {
        eventFramesBox.withLock { $0 = frames }
    }

    /// The streamed answer left by the handler, once.
    func takeEventFrames() -> EventFrameQueue? {
        eventFramesBox.withLock { q in
            defer { q = nil }
            return q
        }
    }

    /// The request claimed an `Idempotency-Key`: a streamed answer must leave its final message.
    var keepsFinalMessage: Bool {
        get { keepsFinalMessageBox.load(ordering: .acquiring) }
        set { keepsFinalMessageBox.store(newValue, ordering: .releasing) }
    }

    /// The final message of a streamed answer as JSON, set by the handler when its stream ends: what
    /// a replay of the request's `Idempotency-Key` answers (DESIGN.md §5).
    var finalMessage: Data? {
        get { finalMessageBox.withLock { $0 } }
        set { finalMessageBox.withLock { $0 = newValue } }
    }

    /// An entity tag the handler produced. The generated server would percent-encode the quotes of
    /// an ETag, so it reaches the response through here, verbatim.
    var etag: String? {
        get { etagBox.withLock { $0 } }
        set { etagBox.withLock { $0 = newValue } }
    }

    var userID: UUID? {
        get { userIDBox.withLock { $0 } }
        set { userIDBox.withLock { $0 = newValue } }
    }
}
