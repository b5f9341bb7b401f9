import FluentKit

struct CreateRegions: AsyncMigration {
    var name: String { "Registry.0001_CreateRegions" }

    func prepare(on database: any Database) async throws {
        try await database.schema(RegionModel.schema)
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("name_en", .string, .required)
            .field("level", .string, .required)
            .field("parent_code", .string)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RegionModel.schema).delete()
    }
}
