import Foundation
import Inference

/// What a draft's generation streams, in the API's one event format: text as it is written, safety
/// flags, an error that ends it, and at the end the stored draft (none when the request was refused
/// or the reply stopped by the safety screen).
public enum DraftEvent: Sendable {
    case delta(String)
    case flag(SafetyFlag)
    case error(String)
    case done(DraftDone)
}

public struct DraftDone: Sendable {
    /// The stored draft; nil when nothing was stored (refused, stopped, broken off).
    public let draft: DraftRecord?
    public let usage: TokenUsage?
    public let provider: String
    public let model: String
    public let finishReason: String
    /// Why no draft was stored, when none was.
    public let reason: String?
}

/// A draft being written: its id (the stored draft's, once it ends) and its events.
public struct DraftStream: Sendable {
    public let draftID: UUID
    public let events: AsyncStream<DraftEvent>
}
