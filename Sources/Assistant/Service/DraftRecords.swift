import Assessment
import Foundation
import Inference
import QianxueCore

/// What a teacher asks the assistant to write.
public enum DraftKind: String, Sendable, CaseIterable, Codable {
    /// A lesson plan (教案) for the lesson and the class.
    case lessonPlan
    /// A quiz in the assessment item format, written as schema-constrained JSON.
    case quiz
    /// The same lesson for different levels in one class (分层教学).
    case differentiation
    /// Advisory feedback on a student's companion session or quiz answers; never a final grade.
    case feedback

    /// The purpose the inference ledger records.
    public var purpose: String {
        switch self {
        case .lessonPlan: return "lesson-plan"
        case .quiz: return "quiz"
        case .differentiation: return "differentiation"
        case .feedback: return "feedback"
        }
    }

    /// Chinese name, for titles.
    public var title: String {
        switch self {
        case .lessonPlan: return "教案"
        case .quiz: return "小测验"
        case .differentiation: return "分层教学设计"
        case .feedback: return "学习反馈（建议）"
        }
    }
}

/// A draft as the teacher who owns it reads it.
public struct DraftRecord: Sendable, Hashable {
    public let id: UUID
    public let kind: DraftKind
    public let lessonSlug: String
    public let classID: UUID?
    public let schoolID: UUID?
    public let ownerID: UUID
    public let band: GradeBand
    public let state: DraftState
    public let version: Int
    public let title: String
    public let content: String
    public let items: [QuizItem]?
    public let instructions: String?
    /// The companion session a feedback draft is about.
    public let sessionID: UUID?
    /// The quiz submission a feedback draft is about.
    public let submissionID: UUID?
    /// The items students see: every item the teacher did not remove.
    public var liveItems: [QuizItem]? { items?.filter { $0.review != .removed } }
    public let provider: String
    public let model: String
    /// Feedback drafts are advisory: any score in them is a suggestion, never a grade.
    public var advisory: Bool { kind == .feedback }
    public let createdAt: Date
    public let updatedAt: Date
    public let approvedBy: UUID?
    public let approvedAt: Date?
    public let publishedAt: Date?

    /// The entity tag clients send back in `If-Match`.
    public var etag: String { "\"v\(version)\"" }

    init(_ m: DraftModel) {
        id = m.id!; kind = DraftKind(rawValue: m.kind) ?? .lessonPlan; lessonSlug = m.lessonSlug; classID = m.classID
        schoolID = m.schoolID; ownerID = m.ownerID; band = GradeBand(rawValue: m.band) ?? .junior
        state = DraftState(rawValue: m.state) ?? .draft; version = m.version; title = m.title; content = m.content
        items = m.items.flatMap(QuizItem.decode); instructions = m.instructions
        let onAnswers = m.subjectKind == DraftSubjectKind.quizSubmission.rawValue
        sessionID = onAnswers ? nil : m.subjectID; submissionID = onAnswers ? m.subjectID : nil
        provider = m.provider; model = m.model; createdAt = m.createdAt; updatedAt = m.updatedAt
        approvedBy = m.approvedBy; approvedAt = m.approvedAt; publishedAt = m.publishedAt
    }
}

/// One kept version of a draft.
public struct DraftVersionRecord: Sendable, Hashable {
    public enum Author: String, Sendable { case ai, teacher }

    public let version: Int
    public let state: DraftState
    public let content: String
    public let items: [QuizItem]?
    public let author: Author
    public let authorID: UUID
    public let note: String?
    public let createdAt: Date

    init(_ m: DraftVersionModel) {
        version = m.version; state = DraftState(rawValue: m.state) ?? .draft; content = m.content
        items = m.items.flatMap(QuizItem.decode); author = Author(rawValue: m.author) ?? .teacher; authorID = m.authorID
        note = m.note; createdAt = m.createdAt
    }
}

/// What a teacher asks for.
public struct NewDraft: Sendable {
    public var kind: DraftKind
    public var lessonSlug: String
    public var classID: UUID?
    public var instructions: String?
    /// Quiz items wanted (quiz only; 1–20, default 8).
    public var itemCount: Int?
    /// The companion session to give feedback on (feedback only) …
    public var sessionID: UUID?
    /// … or the student's quiz submission.
    public var submissionID: UUID?

    public init(kind: DraftKind, lessonSlug: String, classID: UUID? = nil, instructions: String? = nil, itemCount: Int? = nil,
                sessionID: UUID? = nil, submissionID: UUID? = nil) {
        self.kind = kind; self.lessonSlug = lessonSlug; self.classID = classID; self.instructions = instructions
        self.itemCount = itemCount; self.sessionID = sessionID; self.submissionID = submissionID
    }
}

/// A teacher's change to a draft: new text, new quiz items (each with its review), a note.
public struct DraftEdit: Sendable {
    public var content: String?
    public var items: [QuizItem]?
    public var note: String?

    public init(content: String? = nil, items: [QuizItem]? = nil, note: String? = nil) {
        self.content = content; self.items = items; self.note = note
    }
}

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
