import Foundation
import Inference
import Synchronization

/// Follows a streamed answer event by event and, at its `done`, leaves the answer's final message
/// as JSON on the request (`RequestState.finalMessage`), which the idempotency guard stores so that
/// a replayed `Idempotency-Key` gets the whole message as JSON instead of running again. Without
/// such a key it does nothing.
final class StreamTranscript: Sendable {
    private let text = Mutex("")
    private let flags = Mutex<[SafetyFlag]>([])
    private let state: RequestState?
    private let final: @Sendable (_ text: String, _ flags: [SafetyFlag], _ done: ChatDone, _ breakReminder: Bool?) -> Data?

    init(state: RequestState?,
         final: @escaping @Sendable (_ text: String, _ flags: [SafetyFlag], _ done: ChatDone, _ breakReminder: Bool?) -> Data?) {
        self.state = state?.keepsFinalMessage == true ? state : nil
        self.final = final
    }

    /// Encodes a final message like the API's JSON answers: sorted keys, RFC 3339 times.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Takes the next event; `breakReminder` is the companion's, for its `done`.
    func follow(_ event: ChatEvent, breakReminder: Bool? = nil) {
        guard let state else { return }
        switch event {
        case .delta(let d): text.withLock { $0 += d }
        case .flag(let f): flags.withLock { $0.append(f) }
        case .error: break
        case .done(let d): state.finalMessage = final(text.withLock { $0 }, flags.withLock { $0 }, d, breakReminder)
        }
    }
}
