import FluentKit
import Foundation
import SQLKit

extension IdempotencyStore {
    /// Removes the answers stored for replay that hold a student's data: every answer under the
    /// student's own keys (a companion reply carries their words), and every other answer whose
    /// body names one of `ids` (the student, their sessions, their quiz submissions — a teacher's
    /// feedback draft on them, a consent recorded for them). One scan of the table, in `db`'s
    /// transaction; the body is searched as bytes on both engines.
    public func eraseAnswers(of userID: UUID, mentioning ids: [UUID], on db: any Database) async throws -> Int {
        let sql = db as! any SQLDatabase
        let postgres = sql.dialect.name == "postgresql"
        func matching<B: SQLPredicateBuilder>(_ builder: B) -> B {
            builder.where("scope", .equal, SQLBind("user:\(userID.uuidString)"))
            for id in Set(ids + [userID]) {
                let needle = Data(id.uuidString.lowercased().utf8)
                let position: SQLQueryString = postgres ? "position(\(bind: needle) in body)" : "instr(body, \(bind: needle))"
                builder.orWhere(position, .greaterThan, SQLLiteral.numeric("0"))
            }
            return builder
        }
        let count = try await matching(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(IdempotencyRecord.schema))
            .first(decodingColumn: "n", as: Int.self) ?? 0
        if count > 0 { try await matching(sql.delete(from: IdempotencyRecord.schema)).run() }
        return count
    }
}
