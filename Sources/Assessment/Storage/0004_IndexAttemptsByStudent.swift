import FluentKit
import SQLKit

/// Attempts by student: starting a test looks for the student's attempt in progress, finishing one
/// reads (and locks) the student's finished attempts for the literacy rollup, and the literacy
/// record lists them; with a province's results (two per student a term) each of these would
/// otherwise read the whole table.
struct IndexAttemptsByStudent: AsyncMigration {
    var name: String { "Assessment.0004_IndexAttemptsByStudent" }

    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("CREATE INDEX assessment_attempts_student ON assessment_attempts (student_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX assessment_attempts_student").run()
    }
}
