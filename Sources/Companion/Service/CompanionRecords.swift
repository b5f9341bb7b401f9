import Foundation
import Inference
import QianxueCore

/// A lesson assigned to a class.
public struct AssignmentRecord: Sendable, Hashable {
    public let id: UUID
    public let classID: UUID
    public let schoolID: UUID
    public let lessonSlug: String
    public let companionMode: CompanionMode
    public let opensAt: Date
    public let dueAt: Date?
    public let note: String?
    public let createdBy: UUID
    public let createdAt: Date
    /// The published quiz students answer in it, if any.
    public let quizID: UUID?
    /// When the teacher withdrew it; students no longer see it.
    public let withdrawnAt: Date?

    init(_ m: AssignmentModel) {
        id = m.id!; classID = m.classID; schoolID = m.schoolID; lessonSlug = m.lessonSlug
        companionMode = CompanionMode(rawValue: m.companionMode) ?? .guided
        opensAt = m.opensAt; dueAt = m.dueAt; note = m.note; createdBy = m.createdBy; createdAt = m.createdAt
        quizID = m.quizID; withdrawnAt = m.withdrawnAt
    }
}

/// What a teacher asks for when assigning a lesson.
public struct NewAssignment: Sendable {
    public var classID: UUID
    public var lessonSlug: String
    public var companionMode: CompanionMode
    public var opensAt: Date?
    public var dueAt: Date?
    public var note: String?
    /// A published quiz of the lesson (checked by the teacher assistant before it gets here).
    public var quizID: UUID?

    public init(classID: UUID, lessonSlug: String, companionMode: CompanionMode, opensAt: Date? = nil, dueAt: Date? = nil, note: String? = nil,
                quizID: UUID? = nil) {
        self.classID = classID; self.lessonSlug = lessonSlug; self.companionMode = companionMode
        self.opensAt = opensAt; self.dueAt = dueAt; self.note = note; self.quizID = quizID
    }
}

/// A student's session with the companion.
public struct SessionRecord: Sendable, Hashable {
    public enum Status: String, Sendable { case open, closed }

    public let id: UUID
    public let studentID: UUID
    public let schoolID: UUID
    public let assignmentID: UUID?
    public let lessonSlug: String
    /// What the age rules allowed when it opened (`guided` or `open`); checked again on every message.
    public let mode: CompanionMode
    public let modeReason: String?
    public let status: Status
    public let createdAt: Date
    public let closedAt: Date?
    public let lastMessageAt: Date?

    init(_ m: SessionModel) {
        id = m.id!; studentID = m.studentID; schoolID = m.schoolID; assignmentID = m.assignmentID; lessonSlug = m.lessonSlug
        mode = CompanionMode(rawValue: m.mode) ?? .guided; modeReason = m.modeReason
        status = Status(rawValue: m.status) ?? .closed; createdAt = m.createdAt; closedAt = m.closedAt; lastMessageAt = m.lastMessageAt
    }
}

/// One message of a session: the student's, the companion's (AI-generated), or a notice of the platform.
public struct MessageRecord: Sendable, Hashable {
    public enum Role: String, Sendable { case student, companion, notice }

    public let id: UUID
    public let sessionID: UUID
    public let seq: Int
    public let role: Role
    public let content: String
    public let aiGenerated: Bool
    public let provider: String?
    public let model: String?
    public let finishReason: String?
    public let usage: TokenUsage?
    public let flags: [SafetyFlag]
    public let createdAt: Date

    init(_ m: MessageModel) {
        id = m.id!; sessionID = m.sessionID; seq = m.seq; role = Role(rawValue: m.role) ?? .notice; content = m.content
        aiGenerated = m.aiGenerated; provider = m.provider; model = m.model; finishReason = m.finishReason
        usage = m.promptTokens.map { TokenUsage(promptTokens: $0, completionTokens: m.completionTokens ?? 0) }
        flags = m.flags.flatMap { try? JSONDecoder().decode([SafetyFlag].self, from: Data($0.utf8)) } ?? []
        createdAt = m.createdAt
    }
}

/// A safety flag raised by a student's conversation, as their teachers and school admins see it.
public struct StudentFlagRecord: Sendable, Hashable {
    public enum Status: String, Sendable, CaseIterable { case open, acknowledged, resolved }

    public let id: UUID
    public let studentID: UUID
    public let schoolID: UUID
    public let sessionID: UUID?
    public let messageID: UUID?
    public let category: SafetyCategory
    public let severity: SafetySeverity
    public let ruleID: String
    public let status: Status
    public let escalated: Bool
    public let createdAt: Date
    public let acknowledgedAt: Date?
    public let acknowledgedBy: UUID?
    public let resolvedAt: Date?
    public let resolvedBy: UUID?
    public let resolutionNote: String?

    /// Seconds from the flag to its acknowledgement.
    public var secondsToAcknowledge: Int? { acknowledgedAt.map { Int($0.timeIntervalSince(createdAt).rounded()) } }

    init(_ m: FlagModel) {
        id = m.id!; studentID = m.studentID; schoolID = m.schoolID; sessionID = m.sessionID; messageID = m.messageID
        category = SafetyCategory(rawValue: m.category) ?? .selfHarm; severity = SafetySeverity(rawValue: m.severity) ?? .high
        ruleID = m.ruleID; status = Status(rawValue: m.status) ?? .open; escalated = m.escalated; createdAt = m.createdAt
        acknowledgedAt = m.acknowledgedAt; acknowledgedBy = m.acknowledgedBy; resolvedAt = m.resolvedAt; resolvedBy = m.resolvedBy
        resolutionNote = m.resolutionNote
    }
}

/// A window in which the companion is locked for a class or a whole school.
public struct ExamWindowRecord: Sendable, Hashable {
    public enum Scope: String, Sendable { case `class`, school }

    public let id: UUID
    public let scope: Scope
    public let targetID: UUID
    public let from: Date
    public let until: Date
    public let createdBy: UUID

    init(_ m: ExamWindowModel) {
        id = m.id!; scope = Scope(rawValue: m.scope) ?? .school; targetID = m.targetID; from = m.startsAt; until = m.until; createdBy = m.createdBy
    }
}

/// A guardian's recorded consent.
public struct ConsentEntry: Sendable, Hashable {
    public let studentID: UUID
    public let recordedAt: Date
    public let recordedBy: UUID
    public let note: String?
}
