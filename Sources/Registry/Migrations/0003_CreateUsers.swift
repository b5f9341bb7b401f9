import FluentKit

struct CreateUsers: AsyncMigration {
    var name: String { "Registry.0003_CreateUsers" }

    func prepare(on database: any Database) async throws {
        try await database.schema(UserModel.schema)
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("role", .string, .required)
            .field("school_id", .uuid, .references(SchoolModel.schema, "id"))
            .field("region_code", .string, .references(RegionModel.schema, "code"))
            .field("grade", .string)
            .field("birth_date", .string)
            .field("password_hash", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "username")
            .create()
        try await database.schema(MembershipModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("class_id", .uuid, .required, .references(ClassModel.schema, "id"))
            .field("role", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "class_id")
            .create()
        try await database.schema(AuthTokenModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema(LoginThrottleModel.schema)
            .field("username", .string, .identifier(auto: false))
            .field("failures", .int, .required)
            .field("window_start", .datetime, .required)
            .field("locked_until", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LoginThrottleModel.schema).delete()
        try await database.schema(AuthTokenModel.schema).delete()
        try await database.schema(MembershipModel.schema).delete()
        try await database.schema(UserModel.schema).delete()
    }
}
