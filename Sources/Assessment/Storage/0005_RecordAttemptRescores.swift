import FluentKit

/// An attempt's result as it stood when the student finished, and when a teacher's score of a
/// written answer last changed it. xAPI statements are immutable: the `completed` statement carries
/// the result at completion, and each rescore is a statement of its own.
struct RecordAttemptRescores: AsyncMigration {
    var name: String { "Assessment.0005_RecordAttemptRescores" }

    func prepare(on database: any Database) async throws {
        // One column per ALTER TABLE: SQLite adds no more at once.
        try await database.schema(AttemptModel.schema).field("finished_result", .string).update()
        try await database.schema(AttemptModel.schema).field("rescored_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AttemptModel.schema).deleteField("rescored_at").update()
        try await database.schema(AttemptModel.schema).deleteField("finished_result").update()
    }
}
