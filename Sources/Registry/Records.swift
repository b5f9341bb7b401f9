import Foundation
import QianxueCore
import SQLKit

/// A person on the platform, as services hand them out (never with the password hash).
public struct UserRecord: Sendable, Hashable {
    public let id: UUID
    public let username: String
    public let displayName: String
    public let role: Role
    public let schoolID: UUID?
    public let regionCode: RegionCode?
    /// A bureau user's functional area (the Gui'an New Area, `guian`) in place of a region.
    public let functionalArea: String?
    public let grade: Grade?
    public let birthDate: String?
    public let createdAt: Date
    public let hasPassword: Bool

    init(_ m: UserModel) {
        id = m.id!
        username = m.username
        displayName = m.displayName
        role = Role(rawValue: m.role) ?? .student
        schoolID = m.schoolID
        regionCode = m.regionCode.flatMap(RegionCode.init)
        functionalArea = m.functionalArea
        grade = m.grade.flatMap(Grade.init)
        birthDate = m.birthDate
        createdAt = m.createdAt
        hasPassword = m.passwordHash != nil
    }
}

extension UserRecord {
    /// The user columns `init(row:)` reads, qualified by a table alias.
    static func columns(prefix p: String) -> String {
        ["id AS user_id", "username", "display_name", "role", "school_id", "region_code", "functional_area", "grade", "birth_date", "created_at",
         "password_hash"].map { "\(p).\($0)" }.joined(separator: ", ")
    }

    /// Reads a user from a raw SQL row selected with `columns(prefix:)`.
    init(row: any SQLRow) throws {
        id = try row.decode(column: "user_id", as: UUID.self)
        username = try row.decode(column: "username", as: String.self)
        displayName = try row.decode(column: "display_name", as: String.self)
        role = Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .student
        schoolID = try row.decode(column: "school_id", as: UUID?.self)
        regionCode = try row.decode(column: "region_code", as: String?.self).flatMap(RegionCode.init)
        functionalArea = try row.decode(column: "functional_area", as: String?.self)
        grade = try row.decode(column: "grade", as: String?.self).flatMap(Grade.init)
        birthDate = try row.decode(column: "birth_date", as: String?.self)
        createdAt = try row.decode(column: "created_at", as: Date.self)
        hasPassword = try row.decodeNil(column: "password_hash") == false
    }
}

/// A school, the anchor of a school admin's, teacher's and student's scope.
public struct SchoolRecord: Sendable, Hashable {
    public let id: UUID
    public let name: String
    public let countyCode: RegionCode
    public let functionalArea: String?
    public let stages: [SchoolStage]
    public let locale: SchoolLocale
    public let enrolment: Int?
    public let contact: SchoolContact
    public let synthetic: Bool
    public let version: Int
    public let createdAt: Date
    public let updatedAt: Date
    public let pilotCohort: Int?
    public let pilotStatus: PilotStatus?

    /// The prefecture (市州) the county lies in.
    public var prefectureCode: RegionCode { countyCode.parent ?? countyCode }

    /// The entity tag clients send back in `If-Match`.
    public var etag: String { "\"v\(version)\"" }

    init(_ m: SchoolModel, pilot: PilotEnrolmentModel? = nil) {
        id = m.id!
        name = m.name
        countyCode = RegionCode(m.countyCode)!
        functionalArea = m.functionalArea
        stages = (m.stages ?? ",primary,").split(separator: ",").compactMap { SchoolStage(rawValue: String($0)) }
        locale = m.locale.flatMap(SchoolLocale.init) ?? .urban
        enrolment = m.enrolment
        contact = SchoolContact(name: m.contactName, phone: m.contactPhone, email: m.contactEmail)
        synthetic = m.synthetic ?? false
        version = m.version ?? 1
        createdAt = m.createdAt
        updatedAt = m.updatedAt ?? m.createdAt
        pilotCohort = pilot?.cohort
        pilotStatus = pilot.flatMap { PilotStatus(rawValue: $0.status) }
    }
}

/// A class (班级) of a school.
public struct ClassRecord: Sendable, Hashable {
    public let id: UUID
    public let schoolID: UUID
    public let grade: Grade
    public let name: String
    public let academicYear: String

    init(_ m: ClassModel) {
        id = m.id!
        schoolID = m.schoolID
        grade = Grade(m.grade)!
        name = m.name
        academicYear = m.academicYear ?? ClassRecord.schoolYear(of: m.createdAt)
    }

    /// The school year (`2026-2027`) a day falls in: it starts on 1 September.
    public static func schoolYear(of date: Date) -> String {
        let term = AcademicTerm(containing: date)
        return "\(term.startYear)-\(term.startYear + 1)"
    }
}

/// What a new user is made of.
public struct NewUser: Sendable {
    public var username: String
    public var displayName: String?
    public var role: Role
    public var schoolID: UUID?
    public var regionCode: String?
    public var grade: String?
    public var birthDate: String?
    public var password: String?

    public init(username: String, displayName: String? = nil, role: Role, schoolID: UUID? = nil, regionCode: String? = nil,
                grade: String? = nil, birthDate: String? = nil, password: String? = nil) {
        self.username = username
        self.displayName = displayName
        self.role = role
        self.schoolID = schoolID
        self.regionCode = regionCode
        self.grade = grade
        self.birthDate = birthDate
        self.password = password
    }
}
