import FluentKit
import Foundation

/// Teacher-assistant drafts and every version of them (each generation, edit, approval and publication).
struct CreateDrafts: AsyncMigration {
    var name: String { "Assistant.0001_CreateDrafts" }

    func prepare(on database: any Database) async throws {
        try await database.schema(DraftModel.schema)
            .id()
            .field("kind", .string, .required)
            .field("lesson_slug", .string, .required)
            .field("class_id", .uuid)
            .field("school_id", .uuid)
            .field("owner_id", .uuid, .required, .references("users", "id"))
            .field("band", .string, .required)
            .field("state", .string, .required)
            .field("version", .int, .required)
            .field("title", .string, .required)
            .field("content", .string, .required)
            .field("items", .string)
            .field("instructions", .string)
            .field("subject_id", .uuid)
            .field("provider", .string, .required)
            .field("model", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("approved_by", .uuid)
            .field("approved_at", .datetime)
            .field("published_at", .datetime)
            .create()
        try await database.schema(DraftVersionModel.schema)
            .id()
            .field("draft_id", .uuid, .required, .references(DraftModel.schema, "id"))
            .field("version", .int, .required)
            .field("state", .string, .required)
            .field("content", .string, .required)
            .field("items", .string)
            .field("author", .string, .required)
            .field("author_id", .uuid, .required)
            .field("note", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "draft_id", "version")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DraftVersionModel.schema).delete()
        try await database.schema(DraftModel.schema).delete()
    }
}

final class DraftModel: Model, @unchecked Sendable {
    static let schema = "assistant_drafts"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "lesson_slug") var lessonSlug: String
    @OptionalField(key: "class_id") var classID: UUID?
    @OptionalField(key: "school_id") var schoolID: UUID?
    @Field(key: "owner_id") var ownerID: UUID
    /// The grade band the draft is written for (the class's, else the lesson's).
    @Field(key: "band") var band: String
    @Field(key: "state") var state: String
    @Field(key: "version") var version: Int
    @Field(key: "title") var title: String
    /// The draft's text (Markdown); for a quiz, the items rendered for reading.
    @Field(key: "content") var content: String
    /// A quiz's items as JSON (`[QuizItem]`).
    @OptionalField(key: "items") var items: String?
    @OptionalField(key: "instructions") var instructions: String?
    /// What a feedback draft is about: a companion session or a quiz submission (`subjectKind`).
    @OptionalField(key: "subject_id") var subjectID: UUID?
    /// `DraftSubjectKind`; nil on rows from before quiz submissions (a session).
    @OptionalField(key: "subject_kind") var subjectKind: String?
    @Field(key: "provider") var provider: String
    @Field(key: "model") var model: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "approved_by") var approvedBy: UUID?
    @OptionalField(key: "approved_at") var approvedAt: Date?
    @OptionalField(key: "published_at") var publishedAt: Date?

    init() {}
}

final class DraftVersionModel: Model, @unchecked Sendable {
    static let schema = "assistant_draft_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "draft_id") var draftID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "state") var state: String
    @Field(key: "content") var content: String
    @OptionalField(key: "items") var items: String?
    /// `ai` for what the model wrote, `teacher` for a person's change.
    @Field(key: "author") var author: String
    @Field(key: "author_id") var authorID: UUID
    @OptionalField(key: "note") var note: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
