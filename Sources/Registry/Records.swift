import Foundation
import QianxueCore

/// A person on the platform, as services hand them out (never with the password hash).
public struct UserRecord: Sendable, Hashable {
    public let id: UUID
    public let username: String
    public let displayName: String
    public let role: Role
    public let schoolID: UUID?
    public let regionCode: RegionCode?
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
        grade = m.grade.flatMap(Grade.init)
        birthDate = m.birthDate
        createdAt = m.createdAt
        hasPassword = m.passwordHash != nil
    }
}

/// A school, the anchor of a school admin's, teacher's and student's scope.
public struct SchoolRecord: Sendable, Hashable {
    public let id: UUID
    public let name: String
    public let countyCode: RegionCode
    public let functionalArea: String?

    init(_ m: SchoolModel) {
        id = m.id!
        name = m.name
        countyCode = RegionCode(m.countyCode)!
        functionalArea = m.functionalArea
    }
}

/// A class (班级) of a school.
public struct ClassRecord: Sendable, Hashable {
    public let id: UUID
    public let schoolID: UUID
    public let grade: Grade
    public let name: String

    init(_ m: ClassModel) {
        id = m.id!
        schoolID = m.schoolID
        grade = Grade(m.grade)!
        name = m.name
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
