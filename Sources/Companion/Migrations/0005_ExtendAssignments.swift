import FluentKit

/// Assignments of AI-assisted lessons (the teacher assistant's form): a published quiz attached,
/// and withdrawal — a withdrawn assignment stays for the record but no longer reaches students.
struct ExtendAssignments: AsyncMigration {
    var name: String { "Companion.0005_ExtendAssignments" }

    func prepare(on database: any Database) async throws {
        try await database.schema(AssignmentModel.schema).field("quiz_id", .uuid).update()
        try await database.schema(AssignmentModel.schema).field("withdrawn_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AssignmentModel.schema).deleteField("withdrawn_at").update()
        try await database.schema(AssignmentModel.schema).deleteField("quiz_id").update()
    }
}
