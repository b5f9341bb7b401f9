import FluentKit

/// A bureau user may be scoped to a functional area instead of a region: the Gui'an New Area
/// (贵安新区) has no GB/T 2260 code of its own, only the `functionalArea` tag on its schools.
struct AddUserFunctionalArea: AsyncMigration {
    var name: String { "Registry.0012_AddUserFunctionalArea" }

    func prepare(on database: any Database) async throws {
        try await database.schema(UserModel.schema).field("functional_area", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UserModel.schema).deleteField("functional_area").update()
    }
}
