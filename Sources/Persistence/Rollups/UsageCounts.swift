import Foundation

/// What a school did with AI on one day, as added to its daily rollup.
public struct UsageCounts: Sendable, Equatable {
    public var companionSessions = 0
    /// Active companion minutes (DESIGN.md §4).
    public var companionMinutes = 0
    public var assistantDrafts = 0
    public var inferenceRequests = 0
    /// Requests the offline provider answered, by configuration or as the fallback.
    public var offlineRequests = 0
    public var promptTokens = 0
    public var completionTokens = 0
    /// Safety flags raised about the school's students that day, and the severe ones among them.
    public var flags = 0
    public var severeFlags = 0
    /// Of the flags raised that day, those acknowledged since, and the seconds it took in total.
    public var flagsAcknowledged = 0
    public var ackSeconds = 0

    public init(companionSessions: Int = 0, companionMinutes: Int = 0, assistantDrafts: Int = 0,
                inferenceRequests: Int = 0, offlineRequests: Int = 0, promptTokens: Int = 0,
                completionTokens: Int = 0, flags: Int = 0, severeFlags: Int = 0,
                flagsAcknowledged: Int = 0, ackSeconds: Int = 0) {
        self.companionSessions = companionSessions
        self.companionMinutes = companionMinutes
        self.assistantDrafts = assistantDrafts
        self.inferenceRequests = inferenceRequests
        self.offlineRequests = offlineRequests
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.flags = flags
        self.severeFlags = severeFlags
        self.flagsAcknowledged = flagsAcknowledged
        self.ackSeconds = ackSeconds
    }

    /// The rollup's columns, in the order of `values`.
    public static let columns = [
        "companion_sessions", "companion_minutes", "assistant_drafts", "inference_requests", "offline_requests",
        "prompt_tokens", "completion_tokens", "flags", "severe_flags", "flags_acknowledged", "ack_seconds",
    ]

    public var values: [Int] {
        [companionSessions, companionMinutes, assistantDrafts, inferenceRequests, offlineRequests,
         promptTokens, completionTokens, flags, severeFlags, flagsAcknowledged, ackSeconds]
    }

    public init(values: [Int]) {
        precondition(values.count == Self.columns.count)
        self.init(companionSessions: values[0], companionMinutes: values[1], assistantDrafts: values[2],
                  inferenceRequests: values[3], offlineRequests: values[4], promptTokens: values[5],
                  completionTokens: values[6], flags: values[7], severeFlags: values[8],
                  flagsAcknowledged: values[9], ackSeconds: values[10])
    }

    public var isZero: Bool { values.allSatisfy { $0 == 0 } }
}
