import Foundation
import QianxueAPI
import QianxueCore
import Registry

extension APIHandler {
    func listRegions(_ input: Operations.ListRegions.Input) async throws -> Operations.ListRegions.Output {
        _ = try RequestScope.caller()
        let items = registry.regions.roots.map { regionNode($0) }
        return .ok(.init(body: .json(.init(items: items))))
    }

    func getRegion(_ input: Operations.GetRegion.Input) async throws -> Operations.GetRegion.Output {
        _ = try RequestScope.caller()
        guard let code = RegionCode(input.path.code) else {
            throw AppError.validation("code '\(input.path.code)' is not a GB/T 2260 code (2, 4 or 6 digits)", field: "code")
        }
        guard let region = registry.regions.region(code) else { throw AppError.notFound("region \(code)") }
        return .ok(.init(body: .json(regionNode(region))))
    }

    /// A region with its subtree, as the API answers it (also what `HotReads` encodes once per region).
    func regionNode(_ r: Region) -> Components.Schemas.RegionNode {
        Components.Schemas.RegionNode(
            code: r.code.rawValue, name: r.name, nameEn: r.nameEn,
            level: Components.Schemas.RegionLevel(rawValue: r.level.rawValue)!, parentCode: r.parent?.rawValue,
            children: registry.regions.children(of: r.code).map { regionNode($0) })
    }

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let caller = try RequestScope.caller()
        let page = try PageQuery(size: input.query.pageSize, token: input.query.pageToken)
        let school = try input.query.school.map { try parseUUID($0, field: "school") }
        let role = input.query.role.flatMap { Role(rawValue: $0.rawValue) }
        let result = try await registry.listUsers(for: caller, role: role, schoolID: school, page: page)
        let students = result.items.filter { $0.role == .student }.count
        if students > 0 {
            try await auditStaffAccess("student.list", targetType: "school", targetID: school?.uuidString, purpose: "user list",
                                       detail: "students=\(students)")
        }
        return .ok(.init(body: .json(.init(items: result.items.map(Components.Schemas.User.init), nextPageToken: result.nextPageToken))))
    }

    func getUser(_ input: Operations.GetUser.Input) async throws -> Operations.GetUser.Output {
        let caller = try RequestScope.caller()
        let id = try parseUUID(input.path.id, field: "id")
        let user = try await registry.visibleUser(id, to: caller, requestID: RequestScope.requestID)
        return .ok(.init(body: .json(.init(user))))
    }
}
