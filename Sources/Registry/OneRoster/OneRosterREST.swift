import FluentKit
import Foundation
import QianxueCore

/// A reference from one OneRoster object to another.
public struct RosterRef: Sendable, Hashable {
    public let sourcedId: String
    public let type: String
}

/// A OneRoster object as the REST binding shows it: its flat fields (for filter and sort) and its references.
public struct RosterObject: Sendable {
    public let kind: String
    public var fields: [String: String]
    public var refs: [String: [RosterRef]]
}

extension RegistryService {
    /// The collections of the read-only OneRoster REST binding, built from Qianxue's own registry
    /// (imported objects keep their sourcedIds; others use their Qianxue id). Admins see everything,
    /// school admins their school; the binding is for integrations, not for teachers or students.
    public func oneRosterObjects(_ collection: String, for p: Principal) async throws -> [RosterObject] {
        try p.require(.admin, .schoolAdmin, to: "read the OneRoster API")
        let db = database.db
        var sourced: [UUID: String] = [:]
        for r in try await RosterRecordModel.query(on: db).all() { if let l = r.localID { sourced[l] = r.sourcedID } }
        func sid(_ id: UUID) -> String { sourced[id] ?? id.uuidString.lowercased() }
        let schoolFilter: UUID? = p.role == .schoolAdmin ? p.schoolID : nil
        var schools = SchoolModel.query(on: db)
        if let s = schoolFilter { schools = schools.filter(\.$id == s) }
        let schoolRows = try await schools.all()
        let stamp = { (d: Date?) in d.map { $0.formatted(.iso8601) } ?? "" }
        switch collection {
        case "orgs", "schools":
            var out = schoolRows.map { s in
                RosterObject(kind: "org", fields: ["sourcedId": sid(s.id!), "status": "active", "dateLastModified": stamp(s.updatedAt ?? s.createdAt),
                                                   "name": s.name, "type": "school", "identifier": s.countyCode],
                             refs: ["parent": [RosterRef(sourcedId: String(s.countyCode.prefix(4)), type: "org")]])
            }
            if collection == "orgs", schoolFilter == nil {
                // The prefectures and the province, as the districts and state above the schools.
                out += regions.all.filter { $0.level != .county }.map { r in
                    RosterObject(kind: "org", fields: ["sourcedId": r.code.rawValue, "status": "active", "dateLastModified": "", "name": r.name,
                                                       "type": r.level == .province ? "state" : "district", "identifier": r.code.rawValue],
                                 refs: ["parent": r.parent.map { [RosterRef(sourcedId: $0.rawValue, type: "org")] } ?? []])
                }
            }
            return out
        case "classes":
            let ids = schoolRows.compactMap(\.id)
            guard !ids.isEmpty else { return [] }
            return try await ClassModel.query(on: db).filter(\.$schoolID ~~ ids).all().map { c in
                RosterObject(kind: "class", fields: ["sourcedId": sid(c.id!), "status": "active", "dateLastModified": stamp(c.createdAt), "title": c.name,
                                                     "classCode": c.name, "classType": "homeroom", "grades": Self.gradeCode(c.grade),
                                                     "schoolYear": c.academicYear ?? ""],
                             refs: ["school": [RosterRef(sourcedId: sid(c.schoolID), type: "org")]])
            }
        case "users":
            var q = UserModel.query(on: db).filter(\.$role ~~ [Role.student.rawValue, Role.teacher.rawValue, Role.schoolAdmin.rawValue])
                .filter(\.$erasedAt == nil)
            if let s = schoolFilter { q = q.filter(\.$schoolID == s) }
            return try await q.all().map { u in
                let role = u.role == Role.schoolAdmin.rawValue ? "siteAdministrator" : u.role
                return RosterObject(kind: "user", fields: ["sourcedId": sid(u.id!), "status": "active", "dateLastModified": stamp(u.updatedAt),
                                                           "username": u.username, "givenName": u.displayName, "familyName": "",
                                                           "enabledUser": "true", "role": role, "grades": u.grade.map(Self.gradeCode) ?? ""],
                                    refs: ["org": u.schoolID.map { [RosterRef(sourcedId: sid($0), type: "org")] } ?? []])
            }
        case "enrollments":
            let ids = schoolRows.compactMap(\.id)
            guard !ids.isEmpty else { return [] }
            let classes = try await ClassModel.query(on: db).filter(\.$schoolID ~~ ids).all()
            let schoolOf = Dictionary(uniqueKeysWithValues: classes.map { ($0.id!, $0.schoolID) })
            guard !classes.isEmpty else { return [] }
            return try await MembershipModel.query(on: db).filter(\.$classID ~~ classes.compactMap(\.id)).all().map { m in
                RosterObject(kind: "enrollment", fields: ["sourcedId": sid(m.id!), "status": "active", "dateLastModified": stamp(m.createdAt),
                                                          "role": m.role, "primary": "false"],
                             refs: ["user": [RosterRef(sourcedId: sid(m.userID), type: "user")],
                                    "class": [RosterRef(sourcedId: sid(m.classID), type: "class")],
                                    "school": [RosterRef(sourcedId: sid(schoolOf[m.classID]!), type: "org")]])
            }
        default:
            throw AppError.notFound("OneRoster collection \(collection)")
        }
    }

    /// The fields a collection can be filtered, sorted and selected on.
    public static func oneRosterFields(_ collection: String) -> Set<String> {
        switch collection {
        case "orgs", "schools": return ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parent"]
        case "classes": return ["sourcedId", "status", "dateLastModified", "title", "classCode", "classType", "grades", "schoolYear", "school"]
        case "users": return ["sourcedId", "status", "dateLastModified", "username", "givenName", "familyName", "enabledUser", "role", "grades", "roles"]
        default: return ["sourcedId", "status", "dateLastModified", "role", "primary", "user", "class", "school"]
        }
    }
}
