import Foundation
import QianxueCore

/// An attempt as its student sees it: the item it waits on, or its result — never a key or an
/// item's parameters.
public struct AttemptView: Sendable {
    public let id: UUID
    public let studentID: UUID
    public let kind: AttemptKind
    /// The form sat, for a form attempt.
    public let formID: String?
    public let status: AttemptStatus
    public let answered: Int
    public let maxItems: Int
    public let startedAt: Date
    public let item: AssessmentItem.PublicView?
    public let result: LiteracyResult?
}

/// A finished attempt's literacy profile.
public struct LiteracyResult: Sendable, Codable, Hashable {
    public let attemptID: UUID
    public let kind: AttemptKind
    /// The form sat, for a form attempt.
    public let formID: String?
    public let finishedAt: Date
    public let profile: LiteracyProfile
    /// Constructed responses still waiting for their teacher (the result may change).
    public let pendingTeacherScores: Int
}
