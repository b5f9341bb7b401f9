import FluentKit
import Foundation

/// Students' sessions with the companion and every message of them.
struct CreateCompanionSessions: AsyncMigration {
    var name: String { "Companion.0002_CreateCompanionSessions" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SessionModel.schema)
            .id()
            .field("student_id", .uuid, .required, .references("users", "id"))
            .field("school_id", .uuid, .required)
            .field("assignment_id", .uuid, .references("assignments", "id"))
            .field("lesson_slug", .string, .required)
            .field("mode", .string, .required)
            .field("mode_reason", .string)
            .field("status", .string, .required)
            .field("summary", .string)
            .field("created_at", .datetime, .required)
            .field("closed_at", .datetime)
            .field("last_message_at", .datetime)
            .create()
        try await database.schema(MessageModel.schema)
            .id()
            .field("session_id", .uuid, .required, .references("companion_sessions", "id"))
            .field("seq", .int, .required)
            .field("role", .string, .required)
            .field("content", .string, .required)
            .field("ai_generated", .bool, .required)
            .field("provider", .string)
            .field("model", .string)
            .field("finish_reason", .string)
            .field("prompt_tokens", .int)
            .field("completion_tokens", .int)
            .field("flags", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "session_id", "seq")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MessageModel.schema).delete()
        try await database.schema(SessionModel.schema).delete()
    }
}

final class SessionModel: Model, @unchecked Sendable {
    static let schema = "companion_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "student_id") var studentID: UUID
    @Field(key: "school_id") var schoolID: UUID
    @OptionalField(key: "assignment_id") var assignmentID: UUID?
    @Field(key: "lesson_slug") var lessonSlug: String
    @Field(key: "mode") var mode: String
    @OptionalField(key: "mode_reason") var modeReason: String?
    @Field(key: "status") var status: String
    /// What older turns, dropped from the context, were about (the conversation's running summary).
    @OptionalField(key: "summary") var summary: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "closed_at") var closedAt: Date?
    @OptionalField(key: "last_message_at") var lastMessageAt: Date?

    init() {}
}

final class MessageModel: Model, @unchecked Sendable {
    static let schema = "companion_messages"

    @ID(key: .id) var id: UUID?
    @Field(key: "session_id") var sessionID: UUID
    @Field(key: "seq") var seq: Int
    @Field(key: "role") var role: String
    @Field(key: "content") var content: String
    @Field(key: "ai_generated") var aiGenerated: Bool
    @OptionalField(key: "provider") var provider: String?
    @OptionalField(key: "model") var model: String?
    @OptionalField(key: "finish_reason") var finishReason: String?
    @OptionalField(key: "prompt_tokens") var promptTokens: Int?
    @OptionalField(key: "completion_tokens") var completionTokens: Int?
    /// The safety flags of the message as JSON (category, severity, rule id, message).
    @OptionalField(key: "flags") var flags: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
