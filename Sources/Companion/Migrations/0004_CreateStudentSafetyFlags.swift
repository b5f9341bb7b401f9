import FluentKit
import Foundation

/// The safety flags a student's conversation raised, for their teachers and school admins: the
/// category, severity and rule — never the student's words (staff read the session, audited).
struct CreateStudentSafetyFlags: AsyncMigration {
    var name: String { "Companion.0004_CreateStudentSafetyFlags" }

    func prepare(on database: any Database) async throws {
        try await database.schema(FlagModel.schema)
            .id()
            .field("student_id", .uuid, .required, .references("users", "id"))
            .field("school_id", .uuid, .required)
            .field("session_id", .uuid)
            .field("message_id", .uuid)
            .field("category", .string, .required)
            .field("severity", .string, .required)
            .field("rule_id", .string, .required)
            .field("status", .string, .required)
            .field("escalated", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("acknowledged_at", .datetime)
            .field("acknowledged_by", .uuid)
            .field("resolved_at", .datetime)
            .field("resolved_by", .uuid)
            .field("resolution_note", .string)
            .field("alert_attempts", .int, .required)
            .field("alert_delivered_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(FlagModel.schema).delete()
    }
}

final class FlagModel: Model, @unchecked Sendable {
    static let schema = "student_safety_flags"

    @ID(key: .id) var id: UUID?
    @Field(key: "student_id") var studentID: UUID
    @Field(key: "school_id") var schoolID: UUID
    @OptionalField(key: "session_id") var sessionID: UUID?
    @OptionalField(key: "message_id") var messageID: UUID?
    @Field(key: "category") var category: String
    @Field(key: "severity") var severity: String
    @Field(key: "rule_id") var ruleID: String
    /// `open`, `acknowledged` or `resolved`.
    @Field(key: "status") var status: String
    @Field(key: "escalated") var escalated: Bool
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?
    @OptionalField(key: "acknowledged_by") var acknowledgedBy: UUID?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @OptionalField(key: "resolved_by") var resolvedBy: UUID?
    @OptionalField(key: "resolution_note") var resolutionNote: String?
    /// Webhook deliveries tried, and when one succeeded (severe flags, when a webhook is set).
    @Field(key: "alert_attempts") var alertAttempts: Int
    @OptionalField(key: "alert_delivered_at") var alertDeliveredAt: Date?

    init() {}
}
