import FluentKit
import SQLKit

/// Teachers by school, with their ids: the regional reports count a region's teachers and join
/// their training units, and at province scale teachers are one user in forty — without this index
/// PostgreSQL read the users table (6.4 million rows) or fetched each teacher's row from it.
struct IndexTeachersBySchool: AsyncMigration {
    var name: String { "Registry.0013_IndexTeachersBySchool" }

    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("""
            CREATE INDEX IF NOT EXISTS users_teachers_by_school ON users (school_id, id) WHERE role = 'teacher'
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX users_teachers_by_school").run()
    }
}
