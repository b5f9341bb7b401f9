import FluentKit

/// The ledger's tables: one row per request, and one per school (or `-` for province staff) and day.
struct CreateInferenceLedger: AsyncMigration {
    var name: String { "Inference.0001_CreateInferenceLedger" }

    func prepare(on database: any Database) async throws {
        try await database.schema("inference_requests")
            .field("id", .uuid, .identifier(auto: false))
            .field("user_id", .uuid, .required)
            .field("school_id", .uuid)
            .field("day", .string, .required)
            .field("purpose", .string, .required)
            .field("provider", .string, .required)
            .field("model", .string, .required)
            .field("prompt_tokens", .int, .required)
            .field("completion_tokens", .int, .required)
            .field("first_token_ms", .int)
            .field("duration_ms", .int, .required)
            .field("outcome", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("inference_usage_daily")
            .field("school_key", .string, .required)
            .field("day", .string, .required)
            .field("requests", .int, .required)
            .field("prompt_tokens", .int, .required)
            .field("completion_tokens", .int, .required)
            .field("refused", .int, .required)
            .field("failed", .int, .required)
            .unique(on: "school_key", "day")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("inference_usage_daily").delete()
        try await database.schema("inference_requests").delete()
    }
}
