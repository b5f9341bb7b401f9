import Foundation
import QianxueCore
import SQLKit

extension RegistryService {
    /// Teachers and school admins on the roster of one school, or of the schools in a region (or
    /// of every school): the denominator of professional-development and training reports.
    public func staffCount(region: RegionCode?, schoolID: UUID?) async throws -> Int {
        var q = database.sql.select()
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("users")
            .join("schools", on: SQLColumn("id", table: "schools"), .equal, SQLColumn("school_id", table: "users"))
            .where(SQLColumn("role", table: "users"), SQLBinaryOperator.in, SQLGroupExpression([SQLBind(Role.teacher.rawValue), SQLBind(Role.schoolAdmin.rawValue)]))
        if let region { q = q.where(SQLColumn("county_code", table: "schools"), SQLBinaryOperator.like, SQLBind(region.rawValue + "%")) }
        if let schoolID { q = q.where(SQLColumn("school_id", table: "users"), SQLBinaryOperator.equal, SQLBind(schoolID)) }
        return try await q.first()?.decode(column: "n", as: Int.self) ?? 0
    }
}
