import Companion
import FluentKit
import Foundation
import QianxueCore

/// A student's scored quiz: the score, and per item their choice, the key and the rationale.
public struct QuizResult: Sendable, Hashable {
    public struct Item: Sendable, Hashable {
        public let itemID: String
        public let choice: String?
        public let correct: Bool
        public let key: String
        public let rationale: String
    }

    public let assignmentID: UUID
    public let score: Int
    public let maxScore: Int
    public let items: [Item]
    public let submittedAt: Date
}

extension AssistantService {
    /// Checks that a quiz may go with an assignment of a lesson: published, on that lesson, visible to the caller.
    public func quizForAssignment(_ quizID: UUID, lessonSlug: String, by p: Principal) async throws -> UUID {
        let d: DraftRecord
        do {
            d = try await publishedQuiz(quizID, for: p)
        } catch let e as AppError where e.type == .notFound {
            throw AppError.validation("there is no quiz \(quizID) of yours", field: "quizId")
        }
        guard d.lessonSlug == lessonSlug else {
            throw AppError.validation("quiz \(quizID) is on lesson '\(d.lessonSlug)', not '\(lessonSlug)'", field: "quizId")
        }
        return d.id
    }

    /// The assignment's quiz as the student sees it (no keys), and their result once they submitted.
    public func studentQuiz(_ assignmentID: UUID, by p: Principal) async throws -> (quiz: DraftRecord, result: QuizResult?) {
        let a = try await companion.assignmentOfStudent(assignmentID, p)
        let quiz = try await publishedQuizOf(a)
        let done = try await QuizSubmissionModel.query(on: database.db).filter(\.$assignmentID == a.id).filter(\.$studentID == p.userID).first()
        return (quiz, done.map { Self.result($0, quiz: quiz) })
    }

    /// Scores the student's answers (`itemId` → option id); one submission per student and assignment.
    public func submitAnswers(_ assignmentID: UUID, answers: [String: String], by p: Principal) async throws -> QuizResult {
        let a = try await companion.assignmentOfStudent(assignmentID, p)
        let quiz = try await publishedQuizOf(a)
        let items = quiz.liveItems ?? []
        for (itemID, choice) in answers {
            guard let item = items.first(where: { $0.id == itemID }) else {
                throw AppError.validation("the quiz has no item '\(itemID)' (items: \(items.map(\.id).joined(separator: ", ")))", field: "answers")
            }
            guard item.options.contains(where: { $0.id == choice }) else {
                throw AppError.validation("'\(choice)' is not an option of item \(itemID) (A–D)", field: "answers")
            }
        }
        if try await QuizSubmissionModel.query(on: database.db).filter(\.$assignmentID == a.id).filter(\.$studentID == p.userID).first() != nil {
            throw AppError.conflict("you have already submitted this quiz; your result is at GET /v1/assignments/\(a.id)/quiz")
        }
        let m = QuizSubmissionModel()
        m.assignmentID = a.id
        m.quizID = quiz.id
        m.studentID = p.userID
        m.answers = String(decoding: try JSONEncoder().encode(answers), as: UTF8.self)
        m.score = items.filter { answers[$0.id] == $0.key }.count
        m.maxScore = items.count
        m.submittedAt = now().wholeMilliseconds
        try await m.create(on: database.db)
        return Self.result(m, quiz: quiz)
    }

    /// Every submitted score of an assignment, by student (for its progress).
    public func quizScores(_ assignmentID: UUID) async throws -> [UUID: (score: Int, maxScore: Int)] {
        let rows = try await QuizSubmissionModel.query(on: database.db).filter(\.$assignmentID == assignmentID).all()
        return Dictionary(rows.map { ($0.studentID, (score: $0.score, maxScore: $0.maxScore)) }, uniquingKeysWith: { a, _ in a })
    }

    private func publishedQuizOf(_ a: AssignmentRecord) async throws -> DraftRecord {
        guard let quizID = a.quizID, let m = try await DraftModel.find(quizID, on: database.db) else {
            throw AppError.notFound("a quiz of assignment \(a.id)")
        }
        let quiz = DraftRecord(m)
        // Students only ever see what their teacher published.
        guard quiz.state.visibleToStudents, quiz.kind == .quiz else { throw AppError.notFound("a quiz of assignment \(a.id)") }
        return quiz
    }

    static func result(_ m: QuizSubmissionModel, quiz: DraftRecord) -> QuizResult {
        let answers = (try? JSONDecoder().decode([String: String].self, from: Data(m.answers.utf8))) ?? [:]
        let items = (quiz.liveItems ?? []).map { item in
            QuizResult.Item(itemID: item.id, choice: answers[item.id], correct: answers[item.id] == item.key, key: item.key, rationale: item.rationale)
        }
        return QuizResult(assignmentID: m.assignmentID, score: m.score, maxScore: m.maxScore, items: items, submittedAt: m.submittedAt)
    }
}
