import FluentKit

/// Where a long seed run (the province generator) stopped, so that it resumes there.
struct CreateSeedProgress: AsyncMigration {
    var name: String { "Registry.0010_CreateSeedProgress" }

    func prepare(on database: any Database) async throws {
        try await database.schema("seed_progress")
            .field("name", .string, .identifier(auto: false))
            .field("next_index", .int, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("seed_progress").delete()
    }
}
