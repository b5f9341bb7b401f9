import Foundation
import SQLKit

/// The registry's answers as subqueries, for a service that reads them in the same statement as
/// its own tables (the companion's policy reads them on every turn, in one round trip).
extension RegistryService {
    /// The ids of the classes a user is a member of (`SELECT class_id …`, for `IN (…)`).
    public static func classIDsQuery(of userID: UUID) -> SQLQueryString {
        "SELECT class_id FROM \(ident: MembershipModel.schema) WHERE user_id = \(bind: userID)"
    }

    /// A user's school (`SELECT school_id …`, one row or none; NULL for users without a school).
    public static func schoolIDQuery(of userID: UUID) -> SQLQueryString {
        "SELECT school_id FROM \(ident: UserModel.schema) WHERE id = \(bind: userID)"
    }
}
