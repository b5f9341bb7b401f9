import FluentKit
import Foundation

/// What decides whether a student may chat: class-mode and exam windows, guardian consents, daily
/// use, and each school's tighter rules.
struct CreateCompanionControls: AsyncMigration {
    var name: String { "Companion.0003_CreateCompanionControls" }

    func prepare(on database: any Database) async throws {
        try await database.schema(ClassModeModel.schema)
            .id()
            .field("class_id", .uuid, .required, .references("classes", "id"))
            .field("opened_by", .uuid, .required)
            .field("opened_at", .datetime, .required)
            .field("until", .datetime, .required)
            .create()
        try await database.schema(ExamWindowModel.schema)
            .id()
            .field("scope", .string, .required)
            .field("target_id", .uuid, .required)
            .field("starts_at", .datetime, .required)
            .field("until", .datetime, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(ConsentModel.schema)
            .id()
            .field("student_id", .uuid, .required, .references("users", "id"))
            .field("recorded_by", .uuid, .required)
            .field("recorded_at", .datetime, .required)
            .field("note", .string)
            .field("withdrawn_at", .datetime)
            .field("withdrawn_by", .uuid)
            .create()
        try await database.schema(UsageModel.schema)
            .id()
            .field("student_id", .uuid, .required, .references("users", "id"))
            .field("day", .string, .required)
            .field("active_minutes", .int, .required)
            .field("last_minute", .int, .required)
            .field("run_start_minute", .int, .required)
            .unique(on: "student_id", "day")
            .create()
        try await database.schema(SchoolRulesModel.schema)
            .field("school_id", .uuid, .identifier(auto: false))
            .field("rules", .string, .required)
            .field("updated_by", .uuid, .required)
            .field("updated_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [SchoolRulesModel.schema, UsageModel.schema, ConsentModel.schema, ExamWindowModel.schema, ClassModeModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}

final class ClassModeModel: Model, @unchecked Sendable {
    static let schema = "class_modes"

    @ID(key: .id) var id: UUID?
    @Field(key: "class_id") var classID: UUID
    @Field(key: "opened_by") var openedBy: UUID
    @Field(key: "opened_at") var openedAt: Date
    @Field(key: "until") var until: Date

    init() {}
}

final class ExamWindowModel: Model, @unchecked Sendable {
    static let schema = "exam_windows"

    @ID(key: .id) var id: UUID?
    /// `class` or `school`.
    @Field(key: "scope") var scope: String
    @Field(key: "target_id") var targetID: UUID
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "until") var until: Date
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class ConsentModel: Model, @unchecked Sendable {
    static let schema = "guardian_consents"

    @ID(key: .id) var id: UUID?
    @Field(key: "student_id") var studentID: UUID
    @Field(key: "recorded_by") var recordedBy: UUID
    @Field(key: "recorded_at") var recordedAt: Date
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "withdrawn_at") var withdrawnAt: Date?
    @OptionalField(key: "withdrawn_by") var withdrawnBy: UUID?

    init() {}
}

/// A student's active companion minutes on a day (DESIGN.md §4: a minute counts when the student
/// sent a message in it or in the 4 minutes before), with the minute of the day of their last
/// message and the start of their current run of continuous use.
final class UsageModel: Model, @unchecked Sendable {
    static let schema = "companion_usage"

    @ID(key: .id) var id: UUID?
    @Field(key: "student_id") var studentID: UUID
    @Field(key: "day") var day: String
    @Field(key: "active_minutes") var activeMinutes: Int
    @Field(key: "last_minute") var lastMinute: Int
    @Field(key: "run_start_minute") var runStartMinute: Int

    init() {}
}

final class SchoolRulesModel: Model, @unchecked Sendable {
    static let schema = "school_companion_rules"

    @ID(custom: "school_id", generatedBy: .user) var id: UUID?
    /// `SchoolCompanionRules` as JSON.
    @Field(key: "rules") var rules: String
    @Field(key: "updated_by") var updatedBy: UUID
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
