import Assessment
import Companion
import FluentKit
import Foundation
import QianxueCore

/// A student's scored quiz: the score, and per item their choice, the key and the rationale.
public struct QuizResult: Sendable, Hashable {
    public struct Item: Sendable, Hashable {
        public let itemID: String
        public let type: ItemType
        /// The options the student chose (none when they skipped the item).
        public let choices: [String]
        /// Multiple choice is scored all or nothing: exactly the keyed options.
        public let correct: Bool
        public let keys: [String]
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

    /// Scores the student's answers (`itemId` → the option ids chosen: one for a single-choice
    /// item, a set for a multiple-choice one) as the assessment scores items, all or nothing; one
    /// submission per student and assignment.
    public func submitAnswers(_ assignmentID: UUID, answers: [String: [String]], by p: Principal) async throws -> QuizResult {
        let a = try await companion.assignmentOfStudent(assignmentID, p)
        let quiz = try await publishedQuizOf(a)
        let items = quiz.liveItems ?? []
        for (itemID, choices) in answers {
            guard let item = items.first(where: { $0.id == itemID }) else {
                throw AppError.validation("the quiz has no item '\(itemID)' (items: \(items.map(\.id).joined(separator: ", ")))", field: "answers")
            }
            if item.type == .single, choices.count != 1 {
                throw AppError.validation("item \(itemID) is single choice: choose one option, not \(choices.count)", field: "answers")
            }
            if case .invalid(let reason) = item.assessmentItem.score(Self.answer(choices, to: item)) {
                throw AppError.validation(reason + " (\(item.options.map(\.id).joined(separator: ", ")))", field: "answers")
            }
        }
        if try await QuizSubmissionModel.query(on: database.db).filter(\.$assignmentID == a.id).filter(\.$studentID == p.userID).first() != nil {
            throw AppError.conflict("you have already submitted this quiz; your result is at GET /v1/assignments/\(a.id)/quiz")
        }
        let m = QuizSubmissionModel()
        m.assignmentID = a.id
        m.quizID = quiz.id
        m.studentID = p.userID
        m.answers = String(decoding: try JSONEncoder().encode(answers.mapValues { $0.sorted() }), as: UTF8.self)
        m.score = items.filter { item in answers[item.id].map { item.assessmentItem.score(Self.answer($0, to: item)).isCorrect == true } ?? false }.count
        m.maxScore = items.count
        m.submittedAt = now().wholeMilliseconds
        try await m.create(on: database.db)
        return Self.result(m, quiz: quiz)
    }

    /// Every submitted score of an assignment, by student (for its progress).
    public func quizScores(_ assignmentID: UUID) async throws -> [UUID: (id: UUID, score: Int, maxScore: Int)] {
        let rows = try await QuizSubmissionModel.query(on: database.db).filter(\.$assignmentID == assignmentID).all()
        return Dictionary(rows.map { ($0.studentID, (id: $0.id!, score: $0.score, maxScore: $0.maxScore)) }, uniquingKeysWith: { a, _ in a })
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

    /// A student's choices as the assessment reads an answer to the item.
    static func answer(_ choices: [String], to item: QuizItem) -> ItemAnswer {
        item.type == .multiple ? .choices(Set(choices)) : .choice(choices.first ?? "")
    }

    /// A submission's answers: option ids per item (stored before multiple choice: one id per item).
    static func answers(of m: QuizSubmissionModel) -> [String: [String]] {
        let data = Data(m.answers.utf8)
        if let sets = try? JSONDecoder().decode([String: [String]].self, from: data) { return sets }
        return ((try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]).mapValues { [$0] }
    }

    static func result(_ m: QuizSubmissionModel, quiz: DraftRecord) -> QuizResult {
        let answers = Self.answers(of: m)
        let items = (quiz.liveItems ?? []).map { item in
            let chosen = answers[item.id] ?? []
            return QuizResult.Item(itemID: item.id, type: item.type, choices: chosen.sorted(),
                                   correct: !chosen.isEmpty && item.assessmentItem.score(answer(chosen, to: item)).isCorrect == true,
                                   keys: item.keys, rationale: item.rationale)
        }
        return QuizResult(assignmentID: m.assignmentID, score: m.score, maxScore: m.maxScore, items: items, submittedAt: m.submittedAt)
    }
}
