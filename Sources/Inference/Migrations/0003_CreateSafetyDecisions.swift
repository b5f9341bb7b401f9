import FluentKit

/// Every safety decision of the inference path, tied to its request: category, severity, rule id
/// and stage — never the text that matched, never the personal data that was redacted.
struct CreateSafetyDecisions: AsyncMigration {
    var name: String { "Inference.0003_CreateSafetyDecisions" }

    func prepare(on database: any Database) async throws {
        try await database.schema("inference_safety_decisions")
            .field("request_id", .uuid, .required)
            .field("category", .string, .required)
            .field("severity", .string, .required)
            .field("rule_id", .string, .required)
            .field("stage", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("inference_safety_decisions").delete()
    }
}
