import FluentKit

/// When a student's data was erased on a guardian's request (DELETE /v1/students/{id}/data): the
/// account row stays, anonymised, for what refers to it and for the counts reports make; this
/// marks it, so that a second request answers 410 and user lists leave it out.
struct AddUserErasedAt: AsyncMigration {
    var name: String { "Registry.0014_AddUserErasedAt" }

    func prepare(on database: any Database) async throws {
        try await database.schema(UserModel.schema).field("erased_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UserModel.schema).deleteField("erased_at").update()
    }
}
