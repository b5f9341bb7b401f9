import FluentKit
import Foundation

struct CreatePDCompletions: AsyncMigration {
    var name: String { "Curriculum.0001_CreatePDCompletions" }

    func prepare(on database: any Database) async throws {
        try await database.schema(PDCompletionModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("unit_slug", .string, .required)
            .field("school_id", .uuid)
            .field("region_code", .string)
            .field("note", .string)
            .field("completed_at", .datetime, .required)
            .unique(on: "user_id", "unit_slug")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PDCompletionModel.schema).delete()
    }
}

final class PDCompletionModel: Model, @unchecked Sendable {
    static let schema = "pd_completions"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "unit_slug") var unitSlug: String
    @OptionalField(key: "school_id") var schoolID: UUID?
    @OptionalField(key: "region_code") var regionCode: String?
    @OptionalField(key: "note") var note: String?
    @Field(key: "completed_at") var completedAt: Date

    init() {}
}
