import Foundation
import QianxueCore

/// Checks a package row by row before anything is written: every problem is collected with its file,
/// line and column, and any problem refuses the whole import.
struct OneRosterValidator {
    let package: OneRosterPackage
    let regions: RegionDirectory
    let county: String?
    /// sourcedIds already imported, per file.
    let known: [String: Set<String>]
    var issues: [ImportIssue] = []

    /// What the checks worked out, for the import to use.
    var schoolCounty: [String: RegionCode] = [:]
    var userRole: [String: Role] = [:]
    var userSchoolOrg: [String: String] = [:]
    /// Usernames held in Qianxue, and the users earlier imports linked to sourcedIds.
    var takenUsernames: [String: UUID] = [:]
    var linkedUsers: [String: UUID] = [:]

    init(package: OneRosterPackage, regions: RegionDirectory, county: String?, known: [String: Set<String>]) {
        self.package = package
        self.regions = regions
        self.county = county
        self.known = known
    }

    func rows(_ file: String) -> [(line: Int, values: RosterValues)] { package.tables[file] ?? [] }

    mutating func issue(_ file: String, _ line: Int?, _ column: String?, _ reason: String) {
        issues.append(ImportIssue(file: "\(file).csv", line: line, column: column, reason: reason))
    }

    mutating func run() {
        var ids: [String: Set<String>] = [:]
        for file in OneRosterSpec.files {
            let rows = rows(file)
            var seen: [String: Int] = [:]
            seen.reserveCapacity(rows.count)
            let common = CommonChecks(file: file, mode: package.modes[file])
            for row in rows {
                let id = row.values.fields[RosterColumns.sourcedId]
                if id.isEmpty { issue(file, row.line, "sourcedId", "sourcedId is empty") }
                if let first = seen[id] {
                    issue(file, row.line, "sourcedId", "sourcedId '\(id)' appears again (first on line \(first))")
                } else {
                    seen[id] = row.line
                }
                checkCommon(common, row)
            }
            ids[file] = Set(seen.keys)
        }
        for file in OneRosterSpec.files {
            let references = (OneRosterSpec.references[file] ?? [:]).sorted { $0.key < $1.key }.compactMap { column, target in
                RosterColumns.position(file, column).map {
                    (column: column, position: $0, target: target, ids: ids[target] ?? [], known: known[target] ?? [],
                     why: package.modes[target] == "absent" ? " (\(target) are absent from the package and were never imported)" : "")
                }
            }
            for row in rows(file) where row.values.fields[RosterColumns.status] != "tobedeleted" {
                for r in references {
                    let raw = row.values.fields[r.position]
                    guard !raw.isEmpty else { continue }
                    for ref in RosterText.list(raw) where !r.ids.contains(ref) && !r.known.contains(ref) {
                        issue(file, row.line, r.column, "\(r.column) '\(ref)' names no row of \(r.target).csv\(r.why)")
                    }
                }
            }
        }
        checkOrgs()
        checkUsers()
        for row in rows("classes") where row.values["status"] != "tobedeleted" {
            let grades = (row.values["grades"] ?? "").split(separator: ",").map(String.init)
            if let g = grades.first, OneRosterSpec.grade(g) == nil {
                issue("classes", row.line, "grades", "grade '\(g)' is not one Qianxue serves (01–12, V1–V3, H1–H4)")
            }
        }
        for row in rows("demographics") {
            let b = row.values["birthDate"] ?? ""
            if !b.isEmpty, !RosterText.isDay(b) {
                issue("demographics", row.line, "birthDate", "'\(b)' is not a date YYYY-MM-DD")
            }
        }
    }

    /// What the checks every row gets need of its file, looked up once per file.
    struct CommonChecks {
        let file: String
        let delta: Bool
        let vocabularies: [(column: String, position: Int, allowed: Set<String>, list: String)]

        init(file: String, mode: String?) {
            self.file = file
            delta = mode == "delta"
            vocabularies = (OneRosterSpec.vocabularies[file] ?? [:]).sorted { $0.key < $1.key }.compactMap { column, allowed in
                RosterColumns.position(file, column).map { (column, $0, allowed, allowed.sorted().joined(separator: ", ")) }
            }
        }
    }

    mutating func checkCommon(_ c: CommonChecks, _ row: (line: Int, values: RosterValues)) {
        let file = c.file, delta = c.delta
        let status = row.values.fields[RosterColumns.status]
        if !(status.isEmpty || status == "active" || status == "tobedeleted") || (delta && status.isEmpty) {
            issue(file, row.line, "status", "status '\(status)' must be active or tobedeleted\(delta ? " in a delta file" : " (or empty in a bulk file)")")
        }
        let modified = row.values.fields[RosterColumns.dateLastModified]
        if !modified.isEmpty, !Self.isDateTime(modified) {
            issue(file, row.line, "dateLastModified", "'\(modified)' is not an ISO 8601 date-time such as 2026-09-01T08:00:00.000Z")
        } else if delta, modified.isEmpty {
            issue(file, row.line, "dateLastModified", "dateLastModified is required in a delta file")
        }
        for v in c.vocabularies {
            let value = row.values.fields[v.position]
            if !value.isEmpty, !v.allowed.contains(value) {
                issue(file, row.line, v.column, "'\(value)' is not one of \(v.list)")
            }
        }
    }

    mutating func checkOrgs() {
        for row in rows("orgs") where row.values["type"] == "school" && row.values["status"] != "tobedeleted" {
            let id = row.values["sourcedId"] ?? ""
            let identifier = RosterText.trimmed(row.values["identifier"] ?? "")
            if identifier.count == 6, identifier.allSatisfy(\.isNumber) {
                do {
                    schoolCounty[id] = try regions.resolveCounty(identifier, field: "identifier").code
                } catch let e as AppError {
                    issue("orgs", row.line, "identifier", e.detail)
                } catch {}
            } else if let county {
                do {
                    schoolCounty[id] = try regions.resolveCounty(county, field: "county").code
                } catch let e as AppError {
                    issue("orgs", row.line, "identifier", "the import's county: \(e.detail)")
                } catch {}
            } else {
                issue("orgs", row.line, "identifier",
                      "school '\(row.values["name"] ?? id)' has no county: give its 6-digit county code as identifier, or the import's county parameter")
            }
            if RosterText.trimmed(row.values["name"] ?? "").isEmpty { issue("orgs", row.line, "name", "the school has no name") }
        }
    }

    /// A user's roles as far as the checks need them: whether there are any, and the first primary
    /// role Qianxue knows, else the first it knows.
    struct RoleSummary {
        var any = false
        var primaryKnown: (role: String, org: String)?
        var firstKnown: (role: String, org: String)?

        var main: (role: String, org: String)? { primaryKnown ?? firstKnown }

        mutating func add(role: String, org: String, primary: Bool) {
            any = true
            guard OneRosterSpec.role(role) != nil else { return }
            if firstKnown == nil { firstKnown = (role, org) }
            if primary, primaryKnown == nil { primaryKnown = (role, org) }
        }
    }

    mutating func checkUsers() {
        let schoolOrgs = Set(rows("orgs").filter { $0.values["type"] == "school" }.compactMap { $0.values["sourcedId"] })
        var rolesByUser: [String: RoleSummary] = [:]
        let r = (user: RosterColumns.position("roles", "userSourcedId")!, role: RosterColumns.position("roles", "role")!,
                 org: RosterColumns.position("roles", "orgSourcedId")!, type: RosterColumns.position("roles", "roleType")!)
        rolesByUser.reserveCapacity(rows("roles").count)
        for row in rows("roles") where row.values.fields[RosterColumns.status] != "tobedeleted" {
            let f = row.values.fields
            rolesByUser[f[r.user], default: RoleSummary()].add(role: f[r.role], org: f[r.org], primary: f[r.type] == "primary")
        }
        let e = (user: RosterColumns.position("enrollments", "userSourcedId")!, role: RosterColumns.position("enrollments", "role")!,
                 school: RosterColumns.position("enrollments", "schoolSourcedId")!)
        for row in rows("enrollments") where row.values.fields[RosterColumns.status] != "tobedeleted" {
            let f = row.values.fields
            let role = f[e.role]
            if role == "student" || role == "teacher", rolesByUser[f[e.user]] == nil {
                var summary = RoleSummary()
                summary.add(role: role, org: f[e.school], primary: true)
                rolesByUser[f[e.user]] = summary
            }
        }
        var usernames: [String: Int] = [:]
        for row in rows("users") where row.values["status"] != "tobedeleted" {
            let id = row.values["sourcedId"] ?? ""
            let roles = rolesByUser[id] ?? RoleSummary()
            guard let main = roles.main else {
                if !roles.any { issue("users", row.line, "sourcedId", "user '\(id)' has no role in roles.csv or enrollments.csv") }
                continue   // parents, aides and the like are not platform users: skipped
            }
            userRole[id] = Role(rawValue: OneRosterSpec.role(main.role)!)!
            let org = (row.values["primaryOrgSourcedId"] ?? "").isEmpty ? main.org : row.values["primaryOrgSourcedId"]!
            if schoolOrgs.contains(org) || known["orgs"]?.contains(org) == true {
                userSchoolOrg[id] = org
            } else {
                issue("users", row.line, "primaryOrgSourcedId", "user '\(id)' belongs to no school org ('\(org)')")
            }
            let username = RosterText.username(row.values["username"] ?? "")
            if !RosterText.isUsername(username) {
                issue("users", row.line, "username", "'\(username)' is not a username: 3–64 characters of a-z, 0-9, '.', '_' or '-'")
            }
            if let first = usernames[username] { issue("users", row.line, "username", "username '\(username)' is used again (first on line \(first))") }
            if let holder = takenUsernames[username], holder != linkedUsers[id] {
                issue("users", row.line, "username", "username '\(username)' belongs to someone else in Qianxue")
            }
            usernames[username] = usernames[username] ?? row.line
            if userRole[id] == .student, let g = (row.values["grades"] ?? "").split(separator: ",").first.map(String.init), OneRosterSpec.grade(g) == nil {
                issue("users", row.line, "grades", "grade '\(g)' is not one Qianxue serves (01–12, V1–V3, H1–H4)")
            }
        }
    }

    static func isDateTime(_ s: String) -> Bool { RosterText.isDateTime(s) }
}
