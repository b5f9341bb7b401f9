import FluentKit
import SQLKit

/// School profile fields for the registry (stages, locale, enrolment, contact, version for If-Match)
/// and the academic year of a class. New columns are optional so that existing rows stay valid.
struct ExtendSchoolsAndClasses: AsyncMigration {
    var name: String { "Registry.0005_ExtendSchoolsAndClasses" }

    /// SQLite adds and drops one column per ALTER TABLE, so each column is its own statement.
    static let schoolColumns: [(String, DatabaseSchema.DataType)] = [
        ("stages", .string), ("locale", .string), ("enrolment", .int), ("contact_name", .string), ("contact_phone", .string),
        ("contact_email", .string), ("synthetic", .bool), ("version", .int), ("updated_at", .datetime),
    ]

    func prepare(on database: any Database) async throws {
        for (name, type) in Self.schoolColumns {
            try await database.schema(SchoolModel.schema).field(.definition(name: .key(.string(name)), dataType: type, constraints: [])).update()
        }
        try await database.schema(ClassModel.schema).field("academic_year", .string).update()
        // A class name is unique within its school and year ("7-2" comes back every September).
        try await (database as! any SQLDatabase)
            .raw("CREATE UNIQUE INDEX classes_school_name_year ON classes (school_id, name, academic_year)").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX classes_school_name_year").run()
        try await database.schema(ClassModel.schema).deleteField("academic_year").update()
        for (name, _) in Self.schoolColumns {
            try await database.schema(SchoolModel.schema).deleteField(.key(.string(name))).update()
        }
    }
}
