import Foundation
import QianxueAPI
import QianxueCore
import Registry

extension APIHandler {
    func listSchoolClasses(_ input: Operations.ListSchoolClasses.Input) async throws -> Operations.ListSchoolClasses.Output {
        let page = try PageQuery(size: input.query.pageSize, token: input.query.pageToken)
        let result = try await registry.listClasses(schoolID: try parseUUID(input.path.id, field: "id"), for: RequestScope.caller(), page: page)
        return .ok(.init(body: .json(.init(items: try await classItems(result.items), nextPageToken: result.nextPageToken))))
    }

    func createClass(_ input: Operations.CreateClass.Input) async throws -> Operations.CreateClass.Output {
        let caller = try RequestScope.caller()
        let schoolID = try parseUUID(input.path.id, field: "id")
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the class as JSON") }
        try await registry.requireSchoolAdmin(schoolID, caller, to: "create classes")
        let c = try await registry.createClass(schoolID: schoolID, grade: b.grade, name: b.name, academicYear: b.academicYear)
        return .created(.init(body: .json(try await classItems([c])[0])))
    }

    func getClass(_ input: Operations.GetClass.Input) async throws -> Operations.GetClass.Output {
        let c = try await registry.visibleClass(try parseUUID(input.path.id, field: "id"), to: RequestScope.caller())
        return .ok(.init(body: .json(try await classItems([c])[0])))
    }

    func listClassStudents(_ input: Operations.ListClassStudents.Input) async throws -> Operations.ListClassStudents.Output {
        let page = try PageQuery(size: input.query.pageSize, token: input.query.pageToken)
        let result = try await registry.classStudents(try parseUUID(input.path.id, field: "id"), for: RequestScope.caller(), page: page,
                                                      requestID: RequestScope.requestID)
        return .ok(.init(body: .json(.init(items: result.items.map(Components.Schemas.User.init), nextPageToken: result.nextPageToken))))
    }

    func addClassMember(_ input: Operations.AddClassMember.Input) async throws -> Operations.AddClassMember.Output {
        let caller = try RequestScope.caller()
        let classID = try parseUUID(input.path.id, field: "id")
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the member as JSON") }
        let c = try await registry.visibleClass(classID, to: caller)
        try await registry.requireSchoolAdmin(c.schoolID, caller, to: "change class membership")
        let member = try parseUUID(b.userId, field: "userId")
        try await registry.addMember(classID: classID, userID: member, role: Role(rawValue: b.role.rawValue)!)
        try await auditStaffAccess("class.member.add", targetType: "class", targetID: classID.uuidString, purpose: "class membership",
                                   detail: "user=\(member.uuidString) role=\(b.role.rawValue)")
        return .noContent(.init())
    }

    func listMyClasses(_ input: Operations.ListMyClasses.Input) async throws -> Operations.ListMyClasses.Output {
        let page = try PageQuery(size: input.query.pageSize, token: input.query.pageToken)
        let result = try await registry.myClasses(try RequestScope.caller(), page: page)
        return .ok(.init(body: .json(.init(items: try await classItems(result.items), nextPageToken: result.nextPageToken))))
    }

    private func classItems(_ classes: [ClassRecord]) async throws -> [Components.Schemas.SchoolClass] {
        let counts = try await registry.memberCounts(classes.map(\.id))
        return classes.map { c in
            Components.Schemas.SchoolClass(
                id: c.id.uuidString.lowercased(), schoolId: c.schoolID.uuidString.lowercased(), grade: c.grade.rawValue,
                band: .init(rawValue: c.grade.band.rawValue)!, name: c.name, academicYear: c.academicYear,
                studentCount: counts[c.id]?.students ?? 0, teacherCount: counts[c.id]?.teachers ?? 0)
        }
    }
}
