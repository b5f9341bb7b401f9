import FluentKit
import Foundation
import Persistence
import QianxueCore
import SQLKit

extension RosterApply {
    /// Files whose new rows are written in bulk (COPY on PostgreSQL, multi-row inserts on SQLite);
    /// orgs, changed rows and deletions go row by row.
    static let batched: Set<String> = ["academicSessions", "courses", "classes", "users", "roles", "enrollments", "demographics", "userProfiles"]

    mutating func run(_ package: OneRosterPackage) async throws {
        // Birth dates of the package, so that new users are created with theirs.
        for row in package.tables["demographics"] ?? [] where row.values["status"] != "tobedeleted" {
            if let b = row.values["birthDate"], !b.isEmpty { birthDates[row.values["sourcedId"]!] = b }
        }
        for file in OneRosterSpec.files {
            var fresh: [RosterValues] = []
            let batched = Self.batched.contains(file)
            let password = RosterColumns.position(file, "password")
            let before = existing[file] ?? [:]   // sourcedIds are unique in a package: no row adds one a later row asks for
            for row in package.tables[file] ?? [] {
                var values = row.values
                if let password, !values.fields[password].isEmpty { values.fields[password] = "" }   // never stored
                if batched, values.fields[RosterColumns.status] != "tobedeleted", before[values.fields[RosterColumns.sourcedId]] == nil {
                    fresh.append(values)
                } else {
                    try await apply(file, values)
                }
            }
            try await applyNew(file, fresh)
        }
        try await Rollups().recountEnrolment(schools: Array(enrolmentChanged), on: sql)
    }

    /// Rows seen for the first time: their entities and records go in with bulk writes, built as
    /// plain values (no model per row).
    mutating func applyNew(_ file: String, _ rows: [RosterValues]) async throws {
        guard !rows.isEmpty else { return }
        var records = BulkRows("roster_records", columns: Self.recordColumns, capacity: rows.count)
        var kept: [(sourcedID: String, kept: KeptRecord)] = []
        var classes = BulkRows("classes", columns: ["id", "school_id", "grade", "name", "created_at", "academic_year"])
        var users = BulkRows("users", columns: ["id", "username", "display_name", "role", "school_id", "grade", "birth_date", "created_at", "updated_at"],
                             capacity: file == "users" ? rows.count : 0)
        var memberships = BulkRows("memberships", columns: ["id", "user_id", "class_id", "role", "created_at"],
                                   capacity: file == "enrollments" ? rows.count : 0)
        let column = { (name: String) in RosterColumns.position(file, name) ?? 0 }
        // Later files look up what orgs, sessions, classes and users became; nothing reads the others'
        // records again in this import.
        let keep = ["orgs", "academicSessions", "classes", "users"].contains(file)
        for v in rows {
            let id = v.fields[RosterColumns.sourcedId]
            var r = KeptRecord(id: ids.next(), localID: nil, schoolID: nil, fields: v.json)
            switch file {
            case "classes":
                if let school = local("orgs", v.fields[column("schoolSourcedId")]) {
                    let classID = ids.next()
                    classes.append(row: [.uuid(classID), .uuid(school), .text(Self.grade(v.fields[column("grades")]) ?? "1"), .text(Self.className(v)),
                                         .date(now), .text(schoolYear(terms: v.fields[column("termSourcedIds")]))])
                    r.localID = classID
                    r.schoolID = school
                }
            case "users":
                if let role = validated.userRole[id], let org = validated.userSchoolOrg[id], let school = local("orgs", org) {
                    let userID = ids.next()
                    let username = RosterText.username(v.fields[column("username")])
                    let grade = role == .student ? Self.grade(v.fields[column("grades")]) : nil
                    users.append(.uuid(userID))
                    users.append(.text(username))
                    users.append(.text(Self.displayName(family: v.fields[column("familyName")], given: v.fields[column("givenName")]) ?? username))
                    users.append(.text(role.rawValue))
                    users.append(.uuid(school))
                    users.append(.text(grade))
                    users.append(.text(birthDates[id]))
                    users.append(.date(now))
                    users.append(.date(now))
                    if role == .student { enrolmentChanged.insert(school) }
                    createdUsers[userID] = school
                    r.localID = userID
                    r.schoolID = school
                } else {
                    report.files[file, default: .init()].skipped += 1
                }
            case "enrollments":
                let userSourcedID = v.fields[column("userSourcedId")]
                let user = local("users", userSourcedID)
                let cls = local("classes", v.fields[column("classSourcedId")])
                r.schoolID = local("orgs", v.fields[column("schoolSourcedId")])
                let role = v.fields[column("role")]
                if let user, let cls, role == "student" || role == "teacher", validated.userRole[userSourcedID]?.rawValue == role {
                    if createdUsers[user] != nil ? true
                        : try await MembershipModel.query(on: db).filter(\.$userID == user).filter(\.$classID == cls).first() == nil {
                        let membershipID = ids.next()
                        memberships.append(.uuid(membershipID))
                        memberships.append(.uuid(user))
                        memberships.append(.uuid(cls))
                        memberships.append(.text(role))
                        memberships.append(.date(now))
                        r.localID = membershipID
                    }
                }
            case "demographics":
                // New users got theirs at creation; users imported before are updated here.
                if let user = existing["users"]?[id]?.localID {
                    if let school = createdUsers[user] {
                        r.schoolID = school
                    } else if let u = try await UserModel.find(user, on: db) {
                        u.birthDate = (v["birthDate"] ?? "").isEmpty ? nil : v["birthDate"]
                        u.updatedAt = now
                        try await u.update(on: db)
                        r.schoolID = u.schoolID
                    }
                }
            default:
                break
            }
            records.append(.uuid(r.id))
            records.append(.text(file))
            records.append(.text(id))
            records.append(.uuid(r.schoolID))
            records.append(.uuid(r.localID))
            records.append(.text(r.fields))
            records.append(.date(now))
            if keep { kept.append((id, r)) }
        }
        try await BulkInsert.rows(classes, on: db)
        try await BulkInsert.rows(users, on: db)
        try await BulkInsert.rows(memberships, on: db)
        try await BulkInsert.rows(records, on: db)
        for r in kept { existing[file, default: [:]][r.sourcedID] = r.kept }
        report.files[file, default: .init()].created += rows.count
    }

    static func displayName(_ v: RosterValues) -> String? {
        displayName(family: v["familyName"] ?? "", given: v["givenName"] ?? "")
    }

    static func displayName(family: String, given: String) -> String? {
        let cjk = (family + given).unicodeScalars.contains { $0.properties.isIdeographic }
        let name = [family, given].filter { !$0.isEmpty }.joined(separator: cjk ? "" : " ")
        return name.isEmpty ? nil : name
    }
}
