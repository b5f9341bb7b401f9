import FluentKit
import Foundation
import Persistence
import QianxueCore
import SQLKit

/// A OneRoster row as an earlier import kept it (`roster_records`): what makes imports idempotent.
struct KeptRecord: Sendable {
    var id: UUID
    var localID: UUID?
    var schoolID: UUID?
    var fields: String

    var values: [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(fields.utf8))) ?? [:]
    }

    /// Every kept row, by file and sourcedId (every file of the spec present, if empty).
    static func all(on db: any Database) async throws -> [String: [String: KeptRecord]] {
        var kept: [String: [String: KeptRecord]] = [:]
        for file in OneRosterSpec.files { kept[file] = [:] }
        for row in try await TextRows.all("SELECT id, kind, sourced_id, local_id, school_id, fields FROM roster_records", on: db) {
            guard let id = TextRows.uuid(row[0]), let kind = row[1], let sourcedID = row[2] else { continue }
            if kept[kind]?[sourcedID] != nil { continue }
            kept[kind, default: [:]][sourcedID] = KeptRecord(id: id, localID: TextRows.uuid(row[3]),
                                                             schoolID: TextRows.uuid(row[4]), fields: row[5] ?? "")
        }
        return kept
    }
}

/// Writes a validated package inside one transaction.
struct RosterApply {
    let db: any Database
    let registry: RegistryService
    var existing: [String: [String: KeptRecord]]
    let validated: OneRosterValidator
    let actor: Principal?
    var report = OneRosterImportReport()
    let now = Date()
    /// Birth dates from the package's demographics, for users created by this import.
    var birthDates: [String: String] = [:]
    /// Users created by this import (with their school): they cannot be in a class yet, so no query needs to ask.
    var createdUsers: [UUID: UUID] = [:]
    /// Schools that gained, lost or regraded a student: their enrolment is recounted at the end.
    var enrolmentChanged: Set<UUID> = []
    /// Academic sessions' school years, read from their kept rows once.
    var schoolYears: [String: Int?] = [:]
    /// Ids for what this import creates.
    var ids = RandomIDs()

    var sql: any SQLDatabase { db as! any SQLDatabase }

    func local(_ file: String, _ id: String) -> UUID? { existing[file]?[id]?.localID }

    /// A user's fields from a users.csv row (new and updated users alike); a student keeps their
    /// grade when the row gives none Qianxue serves.
    mutating func fill(_ m: UserModel, from v: RosterValues, role: Role, school: UUID) {
        let was = (role: m.$role.value, school: m.$schoolID.value ?? nil, grade: m.$grade.value ?? nil)
        m.username = RosterText.username(v["username"]!)
        m.displayName = Self.displayName(v) ?? m.username
        m.role = role.rawValue
        m.schoolID = school
        m.grade = role == .student ? Self.grade(v["grades"]) ?? m.grade : nil
        m.updatedAt = now
        guard was.role != m.role || was.school != m.schoolID || was.grade != m.grade else { return }
        if was.role == Role.student.rawValue, let old = was.school { enrolmentChanged.insert(old) }
        if role == .student { enrolmentChanged.insert(school) }
    }

    /// A row that is not new, or is marked tobedeleted: compared with what was kept, and written on its own.
    mutating func apply(_ file: String, _ values: RosterValues) async throws {
        let id = values["sourcedId"]!
        let record = existing[file]?[id]
        if values["status"] == "tobedeleted" {
            if let record {
                try await remove(file, record)
                try await sql.delete(from: "roster_records").where("id", .equal, SQLBind(record.id)).run()
                existing[file]?[id] = nil
                report.files[file, default: .init()].deleted += 1
            } else {
                report.files[file, default: .init()].skipped += 1
            }
            return
        }
        let encoded = values.json
        if let record, record.fields == encoded {
            report.files[file, default: .init()].unchanged += 1
            if file == "orgs", let l = record.localID { report.schoolIDs.append(l) }
            return
        }
        let (localID, schoolID) = try await upsertLocal(file, values, current: record?.localID)
        if localID == nil, ["users"].contains(file), validated.userRole[id] == nil {
            report.files[file, default: .init()].skipped += 1
        }
        let kept = KeptRecord(id: record?.id ?? ids.next(), localID: localID ?? record?.localID, schoolID: schoolID ?? record?.schoolID, fields: encoded)
        if record != nil {
            try await sql.update("roster_records")
                .set("fields", to: SQLBind(kept.fields))
                .set("local_id", to: Self.bind(kept.localID))
                .set("school_id", to: Self.bind(kept.schoolID))
                .set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(kept.id))
                .run()
            report.files[file, default: .init()].updated += 1
        } else {
            var row = BulkRows("roster_records", columns: Self.recordColumns)
            row.append(row: [.uuid(kept.id), .text(file), .text(id), .uuid(kept.schoolID), .uuid(kept.localID), .text(kept.fields), .date(now)])
            try await BulkInsert.rows(row, on: db)
            report.files[file, default: .init()].created += 1
        }
        existing[file, default: [:]][id] = kept
    }

    static func bind(_ id: UUID?) -> any SQLExpression { id.map { SQLBind($0) } ?? SQLLiteral.null }

    static let recordColumns = ["id", "kind", "sourced_id", "school_id", "local_id", "fields", "updated_at"]

    /// Creates or updates the Qianxue entity a row stands for; returns its id and school.
    mutating func upsertLocal(_ file: String, _ v: RosterValues, current: UUID?) async throws -> (UUID?, UUID?) {
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
            m.name = RosterText.trimmed(v["name"]!)
            m.countyCode = county.rawValue
            m.version = (m.version ?? 0) + 1
            m.updatedAt = now
            try await m.save(on: db)
            report.schoolIDs.append(m.id!)
            return (m.id, m.id)
        case "classes":
            guard let school = local("orgs", v["schoolSourcedId"] ?? "") else { return (nil, nil) }
            let m = try await current.asyncFlatMap { try await ClassModel.find($0, on: db) } ?? {
                let c = ClassModel()
                c.createdAt = now
                return c
            }()
            m.schoolID = school
            m.grade = Self.grade(v["grades"]) ?? "1"
            m.name = Self.className(v)
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
    mutating func remove(_ file: String, _ record: KeptRecord) async throws {
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
    mutating func schoolYear(terms: String) -> String? {
        for t in RosterText.list(terms) {
            if schoolYears[t] == nil { schoolYears[t] = existing["academicSessions"]?[t]?.values["schoolYear"].flatMap { Int($0) } }
            if let y = schoolYears[t] ?? nil { return "\(y - 1)-\(y)" }
        }
        return nil
    }

    /// The first of a row's grades that Qianxue serves, as a Qianxue grade.
    static func grade(_ grades: String?) -> String? {
        (grades ?? "").split(separator: ",").first.flatMap { OneRosterSpec.grade(String($0)) }
    }

    /// A class's name: its code, else its title.
    static func className(_ v: RosterValues) -> String {
        let code = RosterText.trimmed(v["classCode"] ?? "")
        return code.isEmpty ? RosterText.trimmed(v["title"]!) : code
    }
}

/// Random (version 4) UUIDs read from /dev/urandom 256 at a time: `UUID()` opens /dev/urandom for
/// each one on Linux, and `UUID.random()` makes two getrandom calls — microseconds an id, over the
/// tens of thousands of rows of an import.
struct RandomIDs {
    private var pool: [UInt8] = []
    private var offset = 0

    mutating func next() -> UUID {
        if offset + 16 > pool.count {
            pool = Self.randomBytes(4096)
            offset = 0
        }
        let p = offset
        offset += 16
        return UUID(uuid: (pool[p], pool[p + 1], pool[p + 2], pool[p + 3], pool[p + 4], pool[p + 5],
                           (pool[p + 6] & 0x0F) | 0x40,   // version 4
                           pool[p + 7],
                           (pool[p + 8] & 0x3F) | 0x80,   // RFC 4122 variant
                           pool[p + 9], pool[p + 10], pool[p + 11], pool[p + 12], pool[p + 13], pool[p + 14], pool[p + 15]))
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        if let data = FileHandle(forReadingAtPath: "/dev/urandom")?.readData(ofLength: count), data.count == count { return [UInt8](data) }
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }
}
