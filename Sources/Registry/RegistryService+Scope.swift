import FluentKit
import Foundation
import Persistence
import QianxueCore

/// What exists for a caller: the one tenancy mechanism every handler goes through.
public enum AccessScope: Sendable, Equatable {
    /// A province platform admin.
    case everything
    /// A bureau analyst: schools and staff in their region and below; no student-level data.
    case region(RegionCode)
    /// A bureau analyst of a functional area (the Gui'an New Area): its schools and their staff.
    case area(String)
    /// A school admin: everything in their school.
    case school(UUID)
    /// A teacher: their school's own record and the students of their classes.
    case teacher(schoolID: UUID, classIDs: Set<UUID>)
    /// A student: themself.
    case student(userID: UUID, classIDs: Set<UUID>)
}

extension RegistryService {
    public func scope(of p: Principal) async throws -> AccessScope {
        switch p.role {
        case .admin: return .everything
        case .bureau:
            if p.regionCode == nil, let area = p.area { return .area(area) }
            guard let code = p.regionCode else { throw AppError.forbidden("this bureau account has no region") }
            return .region(code)
        case .schoolAdmin:
            guard let s = p.schoolID else { throw AppError.forbidden("this school admin account has no school") }
            return .school(s)
        case .teacher:
            guard let s = p.schoolID else { throw AppError.forbidden("this teacher account has no school") }
            return .teacher(schoolID: s, classIDs: try await classIDs(of: p.userID))
        case .student:
            return .student(userID: p.userID, classIDs: try await classIDs(of: p.userID))
        }
    }

    /// The region a regional summary covers: the one asked for, else the caller's whole scope (the
    /// province for admins). Bureau users only in their region and below (404 outside it, as if
    /// absent); everyone else is refused.
    public func reportingRegion(_ code: String?, for p: Principal, what: String) async throws -> Region {
        switch try await scope(of: p) {
        case .everything:
            return try code.map { try regions.resolve($0, field: "region") } ?? regions.roots[0]
        case .region(let own):
            let region = try code.map { try regions.resolve($0, field: "region") } ?? regions.region(own)!
            guard own.contains(region.code) else { throw AppError.notFound("region \(region.code)") }
            return region
        case .area(let area):
            throw AppError.forbidden("\(what) is by region; the \(area) area's figures are in the regional reports (region=\(area))")
        default:
            throw AppError.forbidden("\(what) is for bureau users and admins")
        }
    }

    /// The schools of a region, by id, with their names.
    public func schoolNames(in region: RegionCode) async throws -> [UUID: String] {
        let rows = try await SchoolModel.query(on: database.db).filter(\.$countyCode =~ region.rawValue).all()
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.id!, $0.name) })
    }

    /// A user the caller may see, or 404 as if absent. Staff reads of a student are audited.
    public func visibleUser(_ id: UUID, to p: Principal, requestID: String?) async throws -> UserRecord {
        guard let target = try await user(id), try await canSee(target, scope: scope(of: p), caller: p) else {
            throw AppError.notFound("user \(id)")
        }
        if target.role == .student, p.role.isStaff, target.id != p.userID {
            try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "student.read",
                                              targetType: "user", targetID: target.id.uuidString,
                                              purpose: "profile", requestID: requestID))
        }
        return target
    }

    func canSee(_ target: UserRecord, scope: AccessScope, caller: Principal) async throws -> Bool {
        if target.id == caller.userID { return true }
        switch scope {
        case .everything:
            return true
        case .region(let code):
            if target.role == .student { return false }
            if target.role == .bureau, let r = target.regionCode { return code.contains(r) }
            guard let sid = target.schoolID, let school = try await school(sid) else { return false }
            return code.contains(school.countyCode)
        case .area(let area):
            if target.role == .student { return false }
            if target.role == .bureau { return target.functionalArea == area }
            guard let sid = target.schoolID, let school = try await school(sid) else { return false }
            return school.functionalArea == area
        case .school(let sid):
            return target.schoolID == sid
        case .teacher(_, let classIDs):
            guard target.role == .student, !classIDs.isEmpty else { return false }
            return !(try await self.classIDs(of: target.id)).isDisjoint(with: classIDs)
        case .student:
            return false
        }
    }

    /// Lists users for school admins (their school) and admins, by username.
    public func listUsers(for p: Principal, role: Role?, schoolID: UUID?, page: PageQuery) async throws -> ListPage<UserRecord> {
        try p.require(.schoolAdmin, .admin, to: "list users")
        var q = UserModel.query(on: database.db)
        switch try await scope(of: p) {
        case .school(let own):
            if let schoolID, schoolID != own { throw AppError.notFound("school \(schoolID)") }
            q = q.filter(\.$schoolID == own)
        default:
            if let schoolID {
                guard try await school(schoolID) != nil else { throw AppError.notFound("school \(schoolID)") }
                q = q.filter(\.$schoolID == schoolID)
            }
        }
        if let role { q = q.filter(\.$role == role.rawValue) }
        q = q.filter(\.$erasedAt == nil)
        if let after = page.after { q = q.filter(\.$username > after) }
        let rows = try await q.sort(\.$username).limit(page.size + 1).all()
        let items = rows.prefix(page.size).map(UserRecord.init)
        let next = rows.count > page.size ? items.last.map { PageQuery.token(after: $0.username) } : nil
        return ListPage(items: Array(items), nextPageToken: next)
    }
}
