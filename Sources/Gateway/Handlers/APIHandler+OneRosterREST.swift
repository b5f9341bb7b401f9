import Foundation
import QianxueAPI
import QianxueCore
import Registry

/// The read-only OneRoster 1.2 REST binding over the registry.
extension APIHandler {
    private func page(_ collection: String, limit: Int?, offset: Int?, sort: String?, orderBy: String?, filter: String?,
                      fields: String?) async throws -> (objects: [RosterObject], total: Int, query: OneRosterQuery) {
        let caller = try RequestScope.caller()   // first: an anonymous request is 401 whatever its query says
        let query = try OneRosterQuery(limit: limit, offset: offset, sort: sort, orderBy: orderBy, filter: filter, fields: fields,
                                       known: RegistryService.oneRosterFields(collection))
        let all = try await registry.oneRosterObjects(collection, for: caller)
        let (indices, total) = query.apply(all.map(\.fields))
        return (indices.map { all[$0] }, total, query)
    }

    private func one(_ collection: String, _ sourcedId: String, fields: String?) async throws -> (RosterObject, OneRosterQuery) {
        let caller = try RequestScope.caller()
        let query = try OneRosterQuery(limit: nil, offset: nil, sort: nil, orderBy: nil, filter: nil, fields: fields,
                                       known: RegistryService.oneRosterFields(collection))
        guard let o = try await registry.oneRosterObjects(collection, for: caller).first(where: { $0.fields["sourcedId"] == sourcedId }) else {
            throw AppError.notFound("\(collection) \(sourcedId)")
        }
        return (o, query)
    }

    func oneRosterListOrgs(_ input: Operations.OneRosterListOrgs.Input) async throws -> Operations.OneRosterListOrgs.Output {
        let q = input.query
        let p = try await page("orgs", limit: q.limit, offset: q.offset, sort: q.sort, orderBy: q.orderBy?.rawValue, filter: q.filter, fields: q.fields)
        return .ok(.init(headers: .init(xTotalCount: p.total), body: .json(.init(orgs: p.objects.map { RosterPresenter.org($0, p.query) }))))
    }

    func oneRosterGetOrg(_ input: Operations.OneRosterGetOrg.Input) async throws -> Operations.OneRosterGetOrg.Output {
        let (o, q) = try await one("orgs", input.path.sourcedId, fields: input.query.fields)
        return .ok(.init(body: .json(.init(org: RosterPresenter.org(o, q)))))
    }

    func oneRosterListSchools(_ input: Operations.OneRosterListSchools.Input) async throws -> Operations.OneRosterListSchools.Output {
        let q = input.query
        let p = try await page("schools", limit: q.limit, offset: q.offset, sort: q.sort, orderBy: q.orderBy?.rawValue, filter: q.filter, fields: q.fields)
        return .ok(.init(headers: .init(xTotalCount: p.total), body: .json(.init(orgs: p.objects.map { RosterPresenter.org($0, p.query) }))))
    }

    func oneRosterGetSchool(_ input: Operations.OneRosterGetSchool.Input) async throws -> Operations.OneRosterGetSchool.Output {
        let (o, q) = try await one("schools", input.path.sourcedId, fields: input.query.fields)
        return .ok(.init(body: .json(.init(org: RosterPresenter.org(o, q)))))
    }

    func oneRosterListClasses(_ input: Operations.OneRosterListClasses.Input) async throws -> Operations.OneRosterListClasses.Output {
        let q = input.query
        let p = try await page("classes", limit: q.limit, offset: q.offset, sort: q.sort, orderBy: q.orderBy?.rawValue, filter: q.filter, fields: q.fields)
        return .ok(.init(headers: .init(xTotalCount: p.total), body: .json(.init(classes: p.objects.map { RosterPresenter.schoolClass($0, p.query) }))))
    }

    func oneRosterGetClass(_ input: Operations.OneRosterGetClass.Input) async throws -> Operations.OneRosterGetClass.Output {
        let (o, q) = try await one("classes", input.path.sourcedId, fields: input.query.fields)
        return .ok(.init(body: .json(.init(_class: RosterPresenter.schoolClass(o, q)))))
    }

    func oneRosterListUsers(_ input: Operations.OneRosterListUsers.Input) async throws -> Operations.OneRosterListUsers.Output {
        let q = input.query
        let p = try await page("users", limit: q.limit, offset: q.offset, sort: q.sort, orderBy: q.orderBy?.rawValue, filter: q.filter, fields: q.fields)
        try await auditStaffAccess("oneroster.users.read", targetType: "oneroster", targetID: "users", purpose: "rostering",
                                   detail: "returned=\(p.objects.count) total=\(p.total)")
        return .ok(.init(headers: .init(xTotalCount: p.total), body: .json(.init(users: p.objects.map { RosterPresenter.user($0, p.query) }))))
    }

    func oneRosterGetUser(_ input: Operations.OneRosterGetUser.Input) async throws -> Operations.OneRosterGetUser.Output {
        let (o, q) = try await one("users", input.path.sourcedId, fields: input.query.fields)
        try await auditStaffAccess("oneroster.users.read", targetType: "user", targetID: input.path.sourcedId, purpose: "rostering")
        return .ok(.init(body: .json(.init(user: RosterPresenter.user(o, q)))))
    }

    func oneRosterListEnrollments(_ input: Operations.OneRosterListEnrollments.Input) async throws -> Operations.OneRosterListEnrollments.Output {
        let q = input.query
        let p = try await page("enrollments", limit: q.limit, offset: q.offset, sort: q.sort, orderBy: q.orderBy?.rawValue, filter: q.filter, fields: q.fields)
        try await auditStaffAccess("oneroster.enrollments.read", targetType: "oneroster", targetID: "enrollments", purpose: "rostering",
                                   detail: "returned=\(p.objects.count) total=\(p.total)")
        return .ok(.init(headers: .init(xTotalCount: p.total), body: .json(.init(enrollments: p.objects.map { RosterPresenter.enrollment($0, p.query) }))))
    }

    func oneRosterGetEnrollment(_ input: Operations.OneRosterGetEnrollment.Input) async throws -> Operations.OneRosterGetEnrollment.Output {
        let (o, q) = try await one("enrollments", input.path.sourcedId, fields: input.query.fields)
        try await auditStaffAccess("oneroster.enrollments.read", targetType: "enrollment", targetID: input.path.sourcedId, purpose: "rostering")
        return .ok(.init(body: .json(.init(enrollment: RosterPresenter.enrollment(o, q)))))
    }
}

/// OneRoster JSON objects from registry objects, with only the selected fields.
enum RosterPresenter {
    static let base = "/ims/oneroster/rostering/v1p2"

    static func ref(_ r: RosterRef?) -> Components.Schemas.OneRosterRef? {
        guard let r else { return nil }
        let path = r.type == "org" ? "orgs" : r.type == "class" ? "classes" : "\(r.type)s"
        return .init(href: "\(base)/\(path)/\(r.sourcedId)", sourcedId: r.sourcedId, _type: r.type)
    }

    static func pick(_ o: RosterObject, _ q: OneRosterQuery, _ f: String) -> String? {
        q.includes(f) ? o.fields[f] : nil
    }

    static func org(_ o: RosterObject, _ q: OneRosterQuery) -> Components.Schemas.OneRosterOrg {
        .init(sourcedId: pick(o, q, "sourcedId"), status: pick(o, q, "status"), dateLastModified: pick(o, q, "dateLastModified"),
              name: pick(o, q, "name"), _type: pick(o, q, "type"), identifier: pick(o, q, "identifier"),
              parent: q.includes("parent") ? ref(o.refs["parent"]?.first) : nil)
    }

    static func schoolClass(_ o: RosterObject, _ q: OneRosterQuery) -> Components.Schemas.OneRosterClass {
        .init(sourcedId: pick(o, q, "sourcedId"), status: pick(o, q, "status"), dateLastModified: pick(o, q, "dateLastModified"),
              title: pick(o, q, "title"), classCode: pick(o, q, "classCode"), classType: pick(o, q, "classType"),
              grades: pick(o, q, "grades").map { $0.isEmpty ? [] : [$0] }, schoolYear: pick(o, q, "schoolYear"),
              school: q.includes("school") ? ref(o.refs["school"]?.first) : nil)
    }

    static func user(_ o: RosterObject, _ q: OneRosterQuery) -> Components.Schemas.OneRosterUser {
        .init(sourcedId: pick(o, q, "sourcedId"), status: pick(o, q, "status"), dateLastModified: pick(o, q, "dateLastModified"),
              username: pick(o, q, "username"), givenName: pick(o, q, "givenName"), familyName: pick(o, q, "familyName"),
              enabledUser: pick(o, q, "enabledUser"), grades: pick(o, q, "grades").map { $0.isEmpty ? [] : [$0] },
              roles: q.includes("roles") ? (o.refs["org"] ?? []).compactMap { org in
                  ref(org).map { .init(roleType: "primary", role: o.fields["role"] ?? "", org: $0) }
              } : nil)
    }

    static func enrollment(_ o: RosterObject, _ q: OneRosterQuery) -> Components.Schemas.OneRosterEnrollment {
        .init(sourcedId: pick(o, q, "sourcedId"), status: pick(o, q, "status"), dateLastModified: pick(o, q, "dateLastModified"),
              role: pick(o, q, "role"), primary: pick(o, q, "primary"),
              user: q.includes("user") ? ref(o.refs["user"]?.first) : nil,
              _class: q.includes("class") ? ref(o.refs["class"]?.first) : nil,
              school: q.includes("school") ? ref(o.refs["school"]?.first) : nil)
    }
}
