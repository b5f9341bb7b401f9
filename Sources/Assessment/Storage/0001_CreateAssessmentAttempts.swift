import FluentKit
import Foundation

/// Students' attempts at the AI-literacy test and every response in them.
struct CreateAssessmentAttempts: AsyncMigration {
    var name: String { "Assessment.0001_CreateAssessmentAttempts" }

    func prepare(on database: any Database) async throws {
        try await database.schema(AttemptModel.schema)
            .id()
            .field("student_id", .uuid, .required, .references("users", "id"))
            .field("school_id", .uuid, .required)
            .field("band", .string, .required)
            .field("kind", .string, .required)
            .field("form_id", .string)
            .field("status", .string, .required)
            .field("state", .string, .required)
            .field("current_item", .string)
            .field("answered", .int, .required)
            .field("max_items", .int, .required)
            .field("result", .string)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime)
            .create()
        try await database.schema(ResponseModel.schema)
            .id()
            .field("attempt_id", .uuid, .required, .references("assessment_attempts", "id"))
            .field("seq", .int, .required)
            .field("item_id", .string, .required)
            .field("answer", .string, .required)
            .field("correct", .bool)
            .field("points", .int)
            .field("scored_by", .uuid)
            .field("answered_at", .datetime, .required)
            .unique(on: "attempt_id", "item_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ResponseModel.schema).delete()
        try await database.schema(AttemptModel.schema).delete()
    }
}

final class AttemptModel: Model, @unchecked Sendable {
    static let schema = "assessment_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "student_id") var studentID: UUID
    @Field(key: "school_id") var schoolID: UUID
    @Field(key: "band") var band: String
    /// `adaptive` or `form`.
    @Field(key: "kind") var kind: String
    @OptionalField(key: "form_id") var formID: String?
    /// `inProgress` or `finished`.
    @Field(key: "status") var status: String
    /// The test's own state between requests (JSON), so that any gateway instance can go on with it.
    @Field(key: "state") var state: String
    /// The item the attempt waits on.
    @OptionalField(key: "current_item") var currentItem: String?
    @Field(key: "answered") var answered: Int
    @Field(key: "max_items") var maxItems: Int
    /// The literacy result (JSON), once finished.
    @OptionalField(key: "result") var result: String?
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?
    /// The result as it stood when the student finished (0005); `result` follows later rescores.
    @OptionalField(key: "finished_result") var finishedResult: String?
    /// When a teacher's score last changed the finished result (0005).
    @OptionalField(key: "rescored_at") var rescoredAt: Date?

    init() {}
}

final class ResponseModel: Model, @unchecked Sendable {
    static let schema = "assessment_responses"

    @ID(key: .id) var id: UUID?
    @Field(key: "attempt_id") var attemptID: UUID
    @Field(key: "seq") var seq: Int
    @Field(key: "item_id") var itemID: String
    /// The answer as given (JSON).
    @Field(key: "answer") var answer: String
    /// Right or wrong; nil while a constructed response waits for its teacher.
    @OptionalField(key: "correct") var correct: Bool?
    @OptionalField(key: "points") var points: Int?
    @OptionalField(key: "scored_by") var scoredBy: UUID?
    /// Set by 0003: when the teacher scored a written answer.
    @OptionalField(key: "scored_at") var scoredAt: Date?
    @Field(key: "answered_at") var answeredAt: Date

    init() {}
}
