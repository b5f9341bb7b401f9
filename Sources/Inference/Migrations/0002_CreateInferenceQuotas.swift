import FluentKit

/// Daily token budgets, keyed like the ledger's rollup rows: a school's id, or `county:CODE`.
struct CreateInferenceQuotas: AsyncMigration {
    var name: String { "Inference.0002_CreateInferenceQuotas" }

    func prepare(on database: any Database) async throws {
        try await database.schema("inference_quotas")
            .field("scope_key", .string, .required)
            .field("daily_tokens", .int, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "scope_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("inference_quotas").delete()
    }
}
