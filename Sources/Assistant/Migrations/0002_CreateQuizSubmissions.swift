import FluentKit
import Foundation

/// Students' answers to an assignment's published quiz: one submission each, scored on submission.
struct CreateQuizSubmissions: AsyncMigration {
    var name: String { "Assistant.0002_CreateQuizSubmissions" }

    func prepare(on database: any Database) async throws {
        try await database.schema(QuizSubmissionModel.schema)
            .id()
            .field("assignment_id", .uuid, .required, .references("assignments", "id"))
            .field("quiz_id", .uuid, .required, .references(DraftModel.schema, "id"))
            .field("student_id", .uuid, .required, .references("users", "id"))
            .field("answers", .string, .required)
            .field("score", .int, .required)
            .field("max_score", .int, .required)
            .field("submitted_at", .datetime, .required)
            .unique(on: "assignment_id", "student_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(QuizSubmissionModel.schema).delete()
    }
}

final class QuizSubmissionModel: Model, @unchecked Sendable {
    static let schema = "assistant_quiz_submissions"

    @ID(key: .id) var id: UUID?
    @Field(key: "assignment_id") var assignmentID: UUID
    @Field(key: "quiz_id") var quizID: UUID
    @Field(key: "student_id") var studentID: UUID
    /// `{itemId: optionId}` as JSON.
    @Field(key: "answers") var answers: String
    @Field(key: "score") var score: Int
    @Field(key: "max_score") var maxScore: Int
    @Field(key: "submitted_at") var submittedAt: Date

    init() {}
}
