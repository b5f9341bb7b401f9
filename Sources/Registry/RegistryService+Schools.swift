import FluentKit
import Foundation
import Persistence
import QianxueCore

extension RegistryService {
    public func createSchool(name: String, county: String, functionalArea: String? = nil) async throws -> SchoolRecord {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count) else {
            throw AppError.validation("the school name must have 1–200 characters", field: "name")
        }
        let county = try regions.resolveCounty(county, field: "county")
        if let area = functionalArea, area.range(of: "^[a-z][a-z0-9-]{1,31}$", options: .regularExpression) == nil {
            throw AppError.validation("functionalArea '\(area)' must be a lowercase tag such as 'guian'", field: "functionalArea")
        }
        let m = SchoolModel()
        m.name = trimmed
        m.countyCode = county.code.rawValue
        m.functionalArea = functionalArea
        m.createdAt = Date()
        try await m.create(on: database.db)
        return SchoolRecord(m)
    }

    public func school(_ id: UUID) async throws -> SchoolRecord? {
        try await SchoolModel.find(id, on: database.db).map(SchoolRecord.init)
    }

    public func createClass(schoolID: UUID, grade: String, name: String) async throws -> ClassRecord {
        guard try await SchoolModel.find(schoolID, on: database.db) != nil else { throw AppError.notFound("school \(schoolID)") }
        guard let g = Grade(grade) else {
            throw AppError.validation("grade '\(grade)' is not one of 1…12, V1…V3, H1…H4", field: "grade")
        }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(trimmed.count) else {
            throw AppError.validation("the class name must have 1–100 characters", field: "name")
        }
        if try await ClassModel.query(on: database.db).filter(\.$schoolID == schoolID).filter(\.$name == trimmed).first() != nil {
            throw AppError.conflict("the school already has a class named '\(trimmed)'")
        }
        let m = ClassModel()
        m.schoolID = schoolID
        m.grade = g.rawValue
        m.name = trimmed
        m.createdAt = Date()
        try await m.create(on: database.db)
        return ClassRecord(m)
    }

    public func schoolClass(_ id: UUID) async throws -> ClassRecord? {
        try await ClassModel.find(id, on: database.db).map(ClassRecord.init)
    }

    /// Puts a teacher or student into a class of their own school. A student with no grade takes the class's.
    public func addMember(classID: UUID, userID: UUID, role: Role) async throws {
        guard role == .teacher || role == .student else {
            throw AppError.validation("a class member is a teacher or a student", field: "role")
        }
        guard let cls = try await ClassModel.find(classID, on: database.db) else { throw AppError.notFound("class \(classID)") }
        guard let user = try await UserModel.find(userID, on: database.db) else { throw AppError.notFound("user \(userID)") }
        guard user.role == role.rawValue else {
            throw AppError.validation("user \(user.username) is a \(user.role), not a \(role.rawValue)", field: "role")
        }
        guard user.schoolID == cls.schoolID else {
            throw AppError.validation("user \(user.username) does not belong to the class's school", field: "userId")
        }
        if try await MembershipModel.query(on: database.db).filter(\.$userID == userID).filter(\.$classID == classID).first() != nil {
            return
        }
        let m = MembershipModel()
        m.userID = userID
        m.classID = classID
        m.role = role.rawValue
        m.createdAt = Date()
        try await database.db.transaction { db in
            try await m.create(on: db)
            if role == .student, user.grade == nil {
                user.grade = cls.grade
                user.updatedAt = Date()
                try await user.update(on: db)
            }
        }
    }

    /// The classes a user is a member of.
    public func classIDs(of userID: UUID) async throws -> Set<UUID> {
        Set(try await MembershipModel.query(on: database.db).filter(\.$userID == userID).all().map(\.classID))
    }
}
