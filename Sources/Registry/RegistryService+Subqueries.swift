import Foundation
import SQLKit

/// The registry's answers as subqueries, for a service that reads them in the same statement as
/// its own tables (the companion's policy and its turn read them on every turn, in one round trip).
extension RegistryService {
    /// The ids of the classes a user is a member of (`SELECT class_id …`, for `IN (…)`).
    public static func classIDsQuery(of userID: UUID) -> SQLQueryString {
        "SELECT class_id FROM \(ident: MembershipModel.schema) WHERE user_id = \(bind: userID)"
    }

    /// The users table's columns that `user(row:)` reads, under the table alias `alias` (for a
    /// statement that reads a user beside its own tables).
    public static func userColumns(alias: String) -> SQLQueryString {
        "\(unsafeRaw: UserRecord.columns(prefix: alias))"
    }

    /// The users table, for a statement that joins a user's row.
    public static var usersTable: String { UserModel.schema }

    /// A user from a row selected with `userColumns(alias:)`.
    public static func user(row: any SQLRow) throws -> UserRecord {
        try UserRecord(row: row)
    }

    /// A user's school (`SELECT school_id …`, one row or none; NULL for users without a school).
    public static func schoolIDQuery(of userID: UUID) -> SQLQueryString {
        "SELECT school_id FROM \(ident: UserModel.schema) WHERE id = \(bind: userID)"
    }
}
