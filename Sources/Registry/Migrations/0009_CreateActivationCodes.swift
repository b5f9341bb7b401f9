import FluentKit

struct CreateActivationCodes: AsyncMigration {
    var name: String { "Registry.0009_CreateActivationCodes" }

    func prepare(on database: any Database) async throws {
        try await database.schema(ActivationCodeModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("code_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime, .required)
            .unique(on: "code_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ActivationCodeModel.schema).delete()
    }
}
