import FluentKit

struct CreateSchoolsAndClasses: AsyncMigration {
    var name: String { "Registry.0002_CreateSchoolsAndClasses" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SchoolModel.schema)
            .id()
            .field("name", .string, .required)
            .field("county_code", .string, .required, .references(RegionModel.schema, "code"))
            .field("functional_area", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(ClassModel.schema)
            .id()
            .field("school_id", .uuid, .required, .references(SchoolModel.schema, "id"))
            .field("grade", .string, .required)
            .field("name", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ClassModel.schema).delete()
        try await database.schema(SchoolModel.schema).delete()
    }
}
