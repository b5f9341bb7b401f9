import FluentKit
import Foundation
import Persistence
import QianxueCore
import SQLKit

extension RegistryService {
    /// Creates a user. `actor` is nil for the operator's command line.
    public func createUser(_ new: NewUser, actor: Principal?, requestID: String? = nil) async throws -> UserRecord {
        let username = try UsernameRule.check(new.username)
        var schoolID: UUID?
        var regionCode: String?
        var area: String?
        switch new.role {
        case .student, .teacher, .schoolAdmin:
            guard let id = new.schoolID else {
                throw AppError.validation("a \(new.role.rawValue) needs a school (--school)", field: "school")
            }
            guard try await SchoolModel.find(id, on: database.db) != nil else {
                throw AppError.validation("school \(id) does not exist", field: "school")
            }
            schoolID = id
        case .bureau:
            guard let code = new.regionCode else {
                throw AppError.validation("a bureau user needs a region code (--region)", field: "region")
            }
            if code.trimmingCharacters(in: .whitespaces).lowercased() == Self.guianArea {
                area = Self.guianArea
            } else {
                regionCode = try regions.resolve(code, field: "region").code.rawValue
            }
        case .admin:
            break
        }
        var grade: String?
        if let g = new.grade {
            guard new.role == .student else { throw AppError.validation("only students have a grade", field: "grade") }
            guard let parsed = Grade(g) else {
                throw AppError.validation("grade '\(g)' is not one of 1…12, V1…V3, H1…H4", field: "grade")
            }
            grade = parsed.rawValue
        }
        let birthDate = try new.birthDate.map(BirthDateRule.check)
        if try await UserModel.query(on: database.db).filter(\.$username == username).first() != nil {
            throw AppError.conflict("the username '\(username)' is taken")
        }
        let m = UserModel()
        m.username = username
        m.displayName = new.displayName?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty ?? username
        m.role = new.role.rawValue
        m.schoolID = schoolID
        m.regionCode = regionCode
        m.functionalArea = area
        m.grade = grade
        m.birthDate = birthDate
        if let p = new.password {
            try PasswordRule.check(p, username: username, field: "password")
            m.passwordHash = try await hasher.hash(p)
        }
        m.createdAt = Date()
        m.updatedAt = m.createdAt
        let countedSchool = new.role == .student ? schoolID : nil
        try await database.db.transaction { db in
            try await m.create(on: db)
            if let countedSchool { try await Rollups().recountEnrolment(schools: [countedSchool], on: db as! any SQLDatabase) }
            try await audit.append(AuditEvent(actorID: actor?.userID, actorRole: actor?.role, action: "user.create",
                                              targetType: "user", targetID: m.id!.uuidString,
                                              requestID: requestID, detail: "role=\(new.role.rawValue)"), on: db)
        }
        return UserRecord(m)
    }

    public func user(_ id: UUID) async throws -> UserRecord? {
        // SQL rather than a Fluent model: the companion reads its student on every turn.
        try await database.sql.raw("SELECT \(unsafeRaw: UserRecord.columns(prefix: "u")) FROM users u WHERE u.id = \(bind: id)")
            .first().map(UserRecord.init(row:))
    }

    public func user(username: String) async throws -> UserRecord? {
        try await UserModel.query(on: database.db).filter(\.$username == UsernameRule.normalise(username)).first()
            .map(UserRecord.init)
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
