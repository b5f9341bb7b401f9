import FluentKit

/// When a teacher scored a written answer (the score and the scorer are in 0001's columns).
struct AddResponseScoring: AsyncMigration {
    var name: String { "Assessment.0003_AddResponseScoring" }

    func prepare(on database: any Database) async throws {
        try await database.schema(ResponseModel.schema).field("scored_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ResponseModel.schema).deleteField("scored_at").update()
    }
}
