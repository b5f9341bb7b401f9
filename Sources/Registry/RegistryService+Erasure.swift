import FluentKit
import Foundation
import Persistence
import QianxueCore
import SQLKit

extension RegistryService {
    /// The display name an erased student's account keeps.
    public static let erasedDisplayName = "已删除的学生"

    /// The student whose data the caller may erase on a guardian's request: their school's admins
    /// and admins (403 for every other role); a student outside the caller's school, or a user who
    /// is not a student, is 404 as if absent; one already erased is 410.
    public func studentToErase(_ id: UUID, by p: Principal) async throws -> UserRecord {
        try p.require(.schoolAdmin, .admin, to: "erase a student's data")
        guard let m = try await UserModel.find(id, on: database.db), m.role == Role.student.rawValue else {
            throw AppError.notFound("student \(id)")
        }
        if case .school(let own) = try await scope(of: p), m.schoolID != own { throw AppError.notFound("student \(id)") }
        if let at = m.erasedAt { throw Self.alreadyErased(id, at: at) }
        return UserRecord(m)
    }

    /// Erases what the registry holds of a student, in `db` (the caller's transaction, which the
    /// other modules' erasures join): class memberships, sign-in tokens, activation codes, the
    /// sign-in throttle of their username and the OneRoster rows they and their enrolments came
    /// from are removed. The account row is anonymised rather than deleted — sessions, attempts
    /// and audit events refer to its id, and the enrolment rollup counts it — : username and name
    /// replaced, birth date and password cleared (so nobody can sign in or activate it); school,
    /// role and grade stay, which count and do not name.
    public func eraseStudent(_ id: UUID, at instant: Date, on db: any Database) async throws -> [ErasedRecords] {
        // The row lock first (an UPDATE), then the read: of two erasures at once, the second waits
        // here for the first to commit and then finds the mark.
        try await (db as! any SQLDatabase).update(UserModel.schema).set("updated_at", to: SQLBind(instant))
            .where("id", .equal, SQLBind(id)).run()
        guard let user = try await UserModel.find(id, on: db), user.role == Role.student.rawValue else {
            throw AppError.notFound("student \(id)")
        }
        if let at = user.erasedAt { throw Self.alreadyErased(id, at: at) }
        let memberships = try await MembershipModel.query(on: db).filter(\.$userID == id).all().compactMap(\.id)
        let roster = try await RosterRecordModel.query(on: db).group(.or) { q in
            q.filter(\.$localID == id)
            if !memberships.isEmpty { q.filter(\.$localID ~~ memberships.map(Optional.some)) }
        }.deleteCounted()
        let classes = try await MembershipModel.query(on: db).filter(\.$userID == id).deleteCounted()
        let tokens = try await AuthTokenModel.query(on: db).filter(\.$userID == id).deleteCounted()
        let codes = try await ActivationCodeModel.query(on: db).filter(\.$userID == id).deleteCounted()
        _ = try await LoginThrottleModel.query(on: db).filter(\.$id == user.username).deleteCounted()
        user.username = "erased.\(id.uuidString.lowercased())"
        user.displayName = Self.erasedDisplayName
        user.birthDate = nil
        user.passwordHash = nil
        user.erasedAt = instant
        user.updatedAt = instant
        try await user.update(on: db)
        return [
            ErasedRecords("account", .anonymised, count: 1),
            ErasedRecords("classMemberships", count: classes),
            ErasedRecords("signInTokens", count: tokens),
            ErasedRecords("activationCodes", count: codes),
            ErasedRecords("rosterRecords", count: roster),
        ]
    }

    static func alreadyErased(_ id: UUID, at: Date) -> AppError {
        AppError(.gone, "the data of student \(id) was erased at \(ISO8601DateFormatter().string(from: at))")
    }
}
