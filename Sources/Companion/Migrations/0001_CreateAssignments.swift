import FluentKit
import Foundation

/// Assignments of a lesson to a class, the basic form the teacher assistant builds on.
struct CreateAssignments: AsyncMigration {
    var name: String { "Companion.0001_CreateAssignments" }

    func prepare(on database: any Database) async throws {
        try await database.schema(AssignmentModel.schema)
            .id()
            .field("class_id", .uuid, .required, .references("classes", "id"))
            .field("school_id", .uuid, .required)
            .field("lesson_slug", .string, .required)
            .field("companion_mode", .string, .required)
            .field("opens_at", .datetime, .required)
            .field("due_at", .datetime)
            .field("note", .string)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AssignmentModel.schema).delete()
    }
}

final class AssignmentModel: Model, @unchecked Sendable {
    static let schema = "assignments"

    @ID(key: .id) var id: UUID?
    @Field(key: "class_id") var classID: UUID
    @Field(key: "school_id") var schoolID: UUID
    @Field(key: "lesson_slug") var lessonSlug: String
    @Field(key: "companion_mode") var companionMode: String
    @Field(key: "opens_at") var opensAt: Date
    @OptionalField(key: "due_at") var dueAt: Date?
    @OptionalField(key: "note") var note: String?
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    /// A published quiz of the teacher assistant (0005).
    @OptionalField(key: "quiz_id") var quizID: UUID?
    @OptionalField(key: "withdrawn_at") var withdrawnAt: Date?

    init() {}
}
