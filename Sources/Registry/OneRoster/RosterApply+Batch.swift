import FluentKit
import Foundation
import Persistence
import QianxueCore
import SQLKit

extension RosterApply {
    /// Files whose new rows are written in batches (multi-row inserts); the rest go row by row.
    static let batched: Set<String> = ["academicSessions", "courses", "users", "roles", "enrollments", "demographics", "userProfiles"]

    mutating func run(_ package: OneRosterPackage) async throws {
        // Birth dates of the package, so that new users are created with theirs.
        for row in package.tables["demographics"] ?? [] where row.values["status"] != "tobedeleted" {
            if let b = row.values["birthDate"], !b.isEmpty { birthDates[row.values["sourcedId"]!] = b }
        }
        for file in OneRosterSpec.files {
            var fresh: [[String: String]] = []
            for row in package.tables[file] ?? [] {
                var values = row.values
                if values["password"] != nil { values["password"] = "" }   // never stored
                if Self.batched.contains(file), values["status"] != "tobedeleted", existing[file]?[values["sourcedId"]!] == nil {
                    fresh.append(values)
                } else {
                    try await apply(file, values)
                }
            }
            try await applyNew(file, fresh)
        }
        try await Rollups().recountEnrolment(schools: Array(enrolmentChanged), on: db as! any SQLDatabase)
    }

    /// Rows seen for the first time: their entities and records go in with multi-row inserts.
    mutating func applyNew(_ file: String, _ rows: [[String: String]]) async throws {
        guard !rows.isEmpty else { return }
        var records: [RosterRecordModel] = []
        var users: [UserModel] = []
        var memberships: [MembershipModel] = []
        for v in rows {
            let id = v["sourcedId"]!
            let r = RosterRecordModel()
            r.id = UUID()
            r.kind = file
            r.sourcedID = id
            r.fields = RosterRecordModel.encode(v)
            r.updatedAt = now
            switch file {
            case "users":
                if let role = validated.userRole[id], let org = validated.userSchoolOrg[id], let school = local("orgs", org) {
                    let m = UserModel()
                    m.id = UUID()
                    fill(m, from: v, role: role, school: school)
                    m.birthDate = birthDates[id]
                    m.createdAt = now
                    users.append(m)
                    createdUsers.insert(m.id!)
                    r.localID = m.id
                    r.schoolID = school
                } else {
                    report.files[file, default: .init()].skipped += 1
                }
            case "enrollments":
                let user = local("users", v["userSourcedId"] ?? "")
                let cls = local("classes", v["classSourcedId"] ?? "")
                r.schoolID = local("orgs", v["schoolSourcedId"] ?? "")
                let role = v["role"] ?? ""
                if let user, let cls, role == "student" || role == "teacher",
                   validated.userRole[v["userSourcedId"] ?? ""]?.rawValue == role {
                    if createdUsers.contains(user) ? true
                        : try await MembershipModel.query(on: db).filter(\.$userID == user).filter(\.$classID == cls).first() == nil {
                        let m = MembershipModel()
                        m.id = UUID()
                        m.userID = user
                        m.classID = cls
                        m.role = role
                        m.createdAt = now
                        memberships.append(m)
                        r.localID = m.id
                    }
                }
            case "demographics":
                // New users got theirs at creation; users imported before are updated here.
                if let user = existing["users"]?[id]?.localID, let u = try await UserModel.find(user, on: db) {
                    u.birthDate = (v["birthDate"] ?? "").isEmpty ? nil : v["birthDate"]
                    u.updatedAt = now
                    try await u.update(on: db)
                    r.schoolID = u.schoolID
                }
            default:
                break
            }
            records.append(r)
        }
        for chunk in Self.chunks(users) { try await chunk.create(on: db) }
        for chunk in Self.chunks(memberships) { try await chunk.create(on: db) }
        for chunk in Self.chunks(records) { try await chunk.create(on: db) }
        for r in records { existing[file, default: [:]][r.sourcedID] = r }
        report.files[file, default: .init()].created += records.count
    }

    static func chunks<T>(_ items: [T], size: Int = 500) -> [[T]] {
        stride(from: 0, to: items.count, by: size).map { Array(items[$0..<min($0 + size, items.count)]) }
    }

    static func displayName(_ v: [String: String]) -> String? {
        let family = v["familyName"] ?? "", given = v["givenName"] ?? ""
        let cjk = (family + given).unicodeScalars.contains { $0.properties.isIdeographic }
        let name = [family, given].filter { !$0.isEmpty }.joined(separator: cjk ? "" : " ")
        return name.isEmpty ? nil : name
    }
}
