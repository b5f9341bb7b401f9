import FluentKit
import Foundation

/// What a feedback draft is about: a companion session (as before, and for rows without a kind)
/// or a student's quiz submission.
struct AddDraftSubjectKind: AsyncMigration {
    var name: String { "Assistant.0003_AddDraftSubjectKind" }

    func prepare(on database: any Database) async throws {
        try await database.schema(DraftModel.schema).field("subject_kind", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DraftModel.schema).deleteField("subject_kind").update()
    }
}

/// The kinds of thing a feedback draft may be about.
enum DraftSubjectKind: String {
    case session
    case quizSubmission
}
