import FluentKit

struct CreateRosterRecords: AsyncMigration {
    var name: String { "Registry.0008_CreateRosterRecords" }

    func prepare(on database: any Database) async throws {
        try await database.schema(RosterRecordModel.schema)
            .id()
            .field("kind", .string, .required)
            .field("sourced_id", .string, .required)
            .field("school_id", .uuid)
            .field("local_id", .uuid)
            .field("fields", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "kind", "sourced_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RosterRecordModel.schema).delete()
    }
}
