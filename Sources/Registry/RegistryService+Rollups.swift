import Foundation
import Persistence
import QianxueCore
import SQLKit

extension RegistryService {
    /// Recomputes the enrolment rollup from the users table (after `Rollups.clear`): every school
    /// with students, by band.
    public static func rebuildRollups(on sql: any SQLDatabase) async throws {
        let schools = try await sql.select().distinct().column("school_id").from(UserModel.schema)
            .where("role", .equal, Role.student.rawValue).where("school_id", .isNot, SQLLiteral.null)
            .all().map { try $0.decode(column: "school_id", as: UUID.self) }
        try await Rollups().recountEnrolment(schools: schools, on: sql)
    }
}
