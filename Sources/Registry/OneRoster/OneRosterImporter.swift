import FluentKit
import Foundation
import Persistence
import QianxueCore

/// What an import did, per file.
public struct OneRosterImportReport: Sendable {
    public struct Counts: Sendable, Equatable {
        public var created = 0, updated = 0, unchanged = 0, deleted = 0, skipped = 0
    }
    public var files: [String: Counts] = [:]
    public var schoolIDs: [UUID] = []

    /// True when the import changed nothing (a repeat of an earlier one).
    public var changedNothing: Bool {
        files.values.allSatisfy { $0.created == 0 && $0.updated == 0 && $0.deleted == 0 }
    }
}

extension RegistryService {
    /// Imports a OneRoster 1.2 CSV package, all or nothing. `county` places schools whose org has no
    /// 6-digit county code as identifier. A school admin may import only their own school.
    public func importOneRoster(folder: URL, county: String?, by actor: Principal?) async throws -> OneRosterImportReport {
        try await importOneRoster(try OneRosterPackage.load(folder: folder), county: county, by: actor)
    }

    public func importOneRoster(zip: Data, county: String?, by actor: Principal?) async throws -> OneRosterImportReport {
        try await importOneRoster(try OneRosterPackage.load(zip: zip), county: county, by: actor)
    }

    func importOneRoster(_ package: OneRosterPackage, county: String?, by actor: Principal?) async throws -> OneRosterImportReport {
        if let actor { try actor.require(.admin, .schoolAdmin, to: "import rosters") }
        var known: [String: Set<String>] = [:]
        var existing: [String: [String: RosterRecordModel]] = [:]
        for file in OneRosterSpec.files {
            let rows = try await RosterRecordModel.query(on: database.db).filter(\.$kind == file).all()
            existing[file] = Dictionary(rows.map { ($0.sourcedID, $0) }, uniquingKeysWith: { a, _ in a })
            known[file] = Set(existing[file]!.keys)
        }
        // A school admin's package describes their own school: its org becomes that school, which
        // keeps its name and county (so the package needs no county for it).
        var county = county
        if let actor, actor.role == .schoolAdmin, let own = actor.schoolID, let school = try await school(own) {
            county = county ?? school.countyCode.rawValue
        }
        var v = OneRosterValidator(package: package, regions: regions, county: county, known: known)
        // Usernames already held by someone this package does not describe.
        let names = (package.tables["users"] ?? []).compactMap { $0.values["username"]?.trimmingCharacters(in: .whitespaces).lowercased() }
        for chunk in stride(from: 0, to: names.count, by: 1000).map({ Array(names[$0..<min($0 + 1000, names.count)]) }) {
            for u in try await UserModel.query(on: database.db).filter(\.$username ~~ chunk).all() { v.takenUsernames[u.username] = u.id }
        }
        v.linkedUsers = Dictionary(existing["users"]!.compactMap { r in r.value.localID.map { (r.key, $0) } }, uniquingKeysWith: { a, _ in a })
        v.run()
        if let actor, actor.role == .schoolAdmin {
            let schools = package.tables["orgs"]?.filter { $0.values["type"] == "school" } ?? []
            for s in schools {
                let linked = existing["orgs"]?[s.values["sourcedId"] ?? ""]?.localID
                if schools.count > 1 || (linked != nil && linked != actor.schoolID) {
                    v.issue("orgs", s.line, "sourcedId", "a school admin imports only their own school")
                }
            }
        }
        if !v.issues.isEmpty { throw ImportRefused(issues: v.issues) }
        let validated = v
        let before = existing
        let report = try await database.db.transaction { db in
            var apply = RosterApply(db: db, registry: self, existing: before, validated: validated, actor: actor)
            try await apply.run(package)
            return apply.report
        }
        try await audit.append(AuditEvent(actorID: actor?.userID, actorRole: actor?.role, action: "roster.import", targetType: "school",
                                          targetID: report.schoolIDs.map(\.uuidString).joined(separator: ","),
                                          detail: report.files.sorted { $0.key < $1.key }
                                            .map { "\($0.key): +\($0.value.created) ~\($0.value.updated) -\($0.value.deleted)" }.joined(separator: "; ")))
        return report
    }
}

/// Writes a validated package inside one transaction.
struct RosterApply {
    let db: any Database
    let registry: RegistryService
    var existing: [String: [String: RosterRecordModel]]
    let validated: OneRosterValidator
    let actor: Principal?
    var report = OneRosterImportReport()
    let now = Date()

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
    }

    var birthDates: [String: String] = [:]

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
                    m.username = v["username"]!.trimmingCharacters(in: .whitespaces).lowercased()
                    m.displayName = Self.displayName(v) ?? m.username
                    m.role = role.rawValue
                    m.schoolID = school
                    m.grade = role == .student ? (v["grades"] ?? "").split(separator: ",").first.flatMap { OneRosterSpec.grade(String($0)) } : nil
                    m.birthDate = birthDates[id]
                    m.createdAt = now
                    m.updatedAt = now
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

    /// Users created by this import: they cannot be in a class yet, so no query needs to ask.
    var createdUsers: Set<UUID> = []

    static func chunks<T>(_ items: [T], size: Int = 500) -> [[T]] {
        stride(from: 0, to: items.count, by: size).map { Array(items[$0..<min($0 + size, items.count)]) }
    }

    static func displayName(_ v: [String: String]) -> String? {
        let family = v["familyName"] ?? "", given = v["givenName"] ?? ""
        let cjk = (family + given).unicodeScalars.contains { $0.properties.isIdeographic }
        let name = [family, given].filter { !$0.isEmpty }.joined(separator: cjk ? "" : " ")
        return name.isEmpty ? nil : name
    }

    func local(_ file: String, _ id: String) -> UUID? { existing[file]?[id]?.localID }

    mutating func apply(_ file: String, _ values: [String: String]) async throws {
        let id = values["sourcedId"]!
        let record = existing[file]?[id]
        if values["status"] == "tobedeleted" {
            if let record {
                try await remove(file, record)
                try await record.delete(on: db)
                existing[file]?[id] = nil
                report.files[file, default: .init()].deleted += 1
            } else {
                report.files[file, default: .init()].skipped += 1
            }
            return
        }
        let encoded = RosterRecordModel.encode(values)
        if let record, record.fields == encoded {
            report.files[file, default: .init()].unchanged += 1
            if file == "orgs", let l = record.localID { report.schoolIDs.append(l) }
            return
        }
        let (localID, schoolID) = try await upsertLocal(file, values, current: record?.localID)
        if localID == nil, ["users"].contains(file), validated.userRole[id] == nil {
            report.files[file, default: .init()].skipped += 1
        }
        let r = record ?? RosterRecordModel()
        r.kind = file
        r.sourcedID = id
        r.fields = encoded
        r.localID = localID ?? record?.localID
        r.schoolID = schoolID ?? record?.schoolID
        r.updatedAt = now
        try await r.save(on: db)
        existing[file, default: [:]][id] = r
        if record == nil { report.files[file, default: .init()].created += 1 } else { report.files[file, default: .init()].updated += 1 }
    }

    /// Creates or updates the Qianxue entity a row stands for; returns its id and school.
    mutating func upsertLocal(_ file: String, _ v: [String: String], current: UUID?) async throws -> (UUID?, UUID?) {
        let id = v["sourcedId"]!
        switch file {
        case "orgs":
            guard v["type"] == "school", let county = validated.schoolCounty[id] else { return (nil, nil) }
            let ownSchool = actor?.role == .schoolAdmin ? actor?.schoolID : nil
            if let own = ownSchool {
                report.schoolIDs.append(own)
                return (own, own)
            }
            let m = try await current.asyncFlatMap { try await SchoolModel.find($0, on: db) } ?? {
                let s = SchoolModel()
                s.createdAt = now
                s.version = 0
                s.stages = ",primary,"
                s.locale = SchoolLocale.urban.rawValue
                return s
            }()
            m.name = v["name"]!.trimmingCharacters(in: .whitespaces)
            m.countyCode = county.rawValue
            m.version = (m.version ?? 0) + 1
            m.updatedAt = now
            try await m.save(on: db)
            report.schoolIDs.append(m.id!)
            return (m.id, m.id)
        case "classes":
            guard let school = local("orgs", v["schoolSourcedId"] ?? "") else { return (nil, nil) }
            let grade = (v["grades"] ?? "").split(separator: ",").first.flatMap { OneRosterSpec.grade(String($0)) } ?? "1"
            let m = try await current.asyncFlatMap { try await ClassModel.find($0, on: db) } ?? {
                let c = ClassModel()
                c.createdAt = now
                return c
            }()
            m.schoolID = school
            m.grade = grade
            let code = (v["classCode"] ?? "").trimmingCharacters(in: .whitespaces)
            m.name = code.isEmpty ? v["title"]!.trimmingCharacters(in: .whitespaces) : code
            m.academicYear = schoolYear(terms: v["termSourcedIds"] ?? "")
            try await m.save(on: db)
            return (m.id, school)
        case "users":
            guard let role = validated.userRole[id], let org = validated.userSchoolOrg[id], let school = local("orgs", org) else { return (nil, nil) }
            let m = try await current.asyncFlatMap { try await UserModel.find($0, on: db) } ?? {
                let u = UserModel()
                u.createdAt = now
                return u
            }()
            m.username = v["username"]!.trimmingCharacters(in: .whitespaces).lowercased()
            m.displayName = Self.displayName(v) ?? m.username
            m.role = role.rawValue
            m.schoolID = school
            m.grade = role == .student ? (v["grades"] ?? "").split(separator: ",").first.flatMap { OneRosterSpec.grade(String($0)) } ?? m.grade : nil
            m.updatedAt = now
            try await m.save(on: db)
            return (m.id, school)
        case "enrollments":
            guard let user = local("users", v["userSourcedId"] ?? ""), let cls = local("classes", v["classSourcedId"] ?? ""),
                  let role = v["role"], role == "student" || role == "teacher",
                  let u = try await UserModel.find(user, on: db), u.role == role else { return (nil, nil) }
            if let m = try await MembershipModel.query(on: db).filter(\.$userID == user).filter(\.$classID == cls).first() {
                return (m.id, local("orgs", v["schoolSourcedId"] ?? ""))
            }
            let m = MembershipModel()
            m.userID = user
            m.classID = cls
            m.role = role
            m.createdAt = now
            try await m.create(on: db)
            return (m.id, local("orgs", v["schoolSourcedId"] ?? ""))
        case "demographics":
            guard let user = local("users", id), let u = try await UserModel.find(user, on: db) else { return (nil, nil) }
            let b = v["birthDate"] ?? ""
            u.birthDate = b.isEmpty ? nil : b
            u.updatedAt = now
            try await u.update(on: db)
            return (nil, u.schoolID)
        default:
            return (nil, nil)
        }
    }

    /// Removes the Qianxue entity behind a row marked tobedeleted.
    func remove(_ file: String, _ record: RosterRecordModel) async throws {
        guard let local = record.localID else { return }
        switch file {
        case "enrollments":
            try await MembershipModel.query(on: db).filter(\.$id == local).delete()
        case "classes":
            try await MembershipModel.query(on: db).filter(\.$classID == local).delete()
            try await ClassModel.query(on: db).filter(\.$id == local).delete()
        case "users":
            try await MembershipModel.query(on: db).filter(\.$userID == local).delete()
            try await AuthTokenModel.query(on: db).filter(\.$userID == local).delete()
            try await UserModel.query(on: db).filter(\.$id == local).delete()
        default:
            break   // schools stay: their history (pilot indicators, audit) outlives a roster
        }
    }

    /// The school year of a class from its terms' `schoolYear` (OneRoster names the year it ends in).
    func schoolYear(terms: String) -> String? {
        for t in terms.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if let y = existing["academicSessions"]?[t]?.values["schoolYear"].flatMap(Int.init) { return "\(y - 1)-\(y)" }
        }
        return nil
    }
}

extension Optional {
    func asyncFlatMap<U>(_ f: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let w = self else { return nil }
        return try await f(w)
    }
}
