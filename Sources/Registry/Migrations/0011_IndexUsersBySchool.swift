import FluentKit
import SQLKit

/// Users by school: the enrolment rollup recounts a school's students whenever its roster changes,
/// and without an index each recount would read every user of the province.
struct IndexUsersBySchool: AsyncMigration {
    var name: String { "Registry.0011_IndexUsersBySchool" }

    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("CREATE INDEX users_school_role ON users (school_id, role)").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX users_school_role").run()
    }
}
