import FluentKit
import Foundation
import Persistence
import QianxueCore

/// Writes a validated package inside one transaction.
struct RosterApply {
    let db: any Database
    let registry: RegistryService
    var existing: [String: [String: RosterRecordModel]]
    let validated: OneRosterValidator
    let actor: Principal?
    var report = OneRosterImportReport()
    let now = Date()
    /// Birth dates from the package's demographics, for users created by this import.
    var birthDates: [String: String] = [:]
    /// Users created by this import: they cannot be in a class yet, so no query needs to ask.
    var createdUsers: Set<UUID> = []
    /// Schools that gained, lost or regraded a student: their enrolment is recounted at the end.
    var enrolmentChanged: Set<UUID> = []

    func local(_ file: String, _ id: String) -> UUID? { existing[file]?[id]?.localID }

    /// A user's fields from a users.csv row (new and updated users alike); a student keeps their
    /// grade when the row gives none Qianxue serves.
    mutating func fill(_ m: UserModel, from v: [String: String], role: Role, school: UUID) {
        let was = (role: m.$role.value, school: m.$schoolID.value ?? nil, grade: m.$grade.value ?? nil)
        m.username = v["username"]!.trimmingCharacters(in: .whitespaces).lowercased()
        m.displayName = Self.displayName(v) ?? m.username
        m.role = role.rawValue
        m.schoolID = school
        m.grade = role == .student ? (v["grades"] ?? "").split(separator: ",").first.flatMap { OneRosterSpec.grade(String($0)) } ?? m.grade : nil
        m.updatedAt = now
        guard was.role != m.role || was.school != m.schoolID || was.grade != m.grade else { return }
        if was.role == Role.student.rawValue, let old = was.school { enrolmentChanged.insert(old) }
        if role == .student { enrolmentChanged.insert(school) }
    }

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
            fill(m, from: v, role: role, school: school)
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
    mutating func remove(_ file: String, _ record: RosterRecordModel) async throws {
        guard let local = record.localID else { return }
        switch file {
        case "enrollments":
            try await MembershipModel.query(on: db).filter(\.$id == local).delete()
        case "classes":
            try await MembershipModel.query(on: db).filter(\.$classID == local).delete()
            try await ClassModel.query(on: db).filter(\.$id == local).delete()
        case "users":
            if let u = try await UserModel.find(local, on: db), u.role == Role.student.rawValue, let school = u.schoolID {
                enrolmentChanged.insert(school)
            }
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
