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

    func rows(_ file: String) -> [(line: Int, values: [String: String])] { package.tables[file] ?? [] }

    mutating func issue(_ file: String, _ line: Int?, _ column: String?, _ reason: String) {
        issues.append(ImportIssue(file: "\(file).csv", line: line, column: column, reason: reason))
    }

    mutating func run() {
        var ids: [String: Set<String>] = [:]
        for file in OneRosterSpec.files {
            var seen: [String: Int] = [:]
            for row in rows(file) {
                let id = row.values["sourcedId"] ?? ""
                if id.isEmpty { issue(file, row.line, "sourcedId", "sourcedId is empty") }
                if let first = seen[id] { issue(file, row.line, "sourcedId", "sourcedId '\(id)' appears again (first on line \(first))") }
                seen[id] = seen[id] ?? row.line
                checkCommon(file, row)
            }
            ids[file] = Set(seen.keys)
        }
        for file in OneRosterSpec.files {
            for row in rows(file) where row.values["status"] != "tobedeleted" {
                for (column, target) in OneRosterSpec.references[file] ?? [:] {
                    let raw = row.values[column] ?? ""
                    guard !raw.isEmpty else { continue }
                    for ref in raw.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !ref.isEmpty {
                        if ids[target]?.contains(ref) == true || known[target]?.contains(ref) == true { continue }
                        let why = package.modes[target] == "absent" ? " (\(target) are absent from the package and were never imported)" : ""
                        issue(file, row.line, column, "\(column) '\(ref)' names no row of \(target).csv\(why)")
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
            if !b.isEmpty, PlatformCalendar.parseDay(b) == nil {
                issue("demographics", row.line, "birthDate", "'\(b)' is not a date YYYY-MM-DD")
            }
        }
    }

    mutating func checkCommon(_ file: String, _ row: (line: Int, values: [String: String])) {
        let status = row.values["status"] ?? ""
        let delta = package.modes[file] == "delta"
        if !["", "active", "tobedeleted"].contains(status) || (delta && status.isEmpty) {
            issue(file, row.line, "status", "status '\(status)' must be active or tobedeleted\(delta ? " in a delta file" : " (or empty in a bulk file)")")
        }
        let modified = row.values["dateLastModified"] ?? ""
        if !modified.isEmpty, !Self.isDateTime(modified) {
            issue(file, row.line, "dateLastModified", "'\(modified)' is not an ISO 8601 date-time such as 2026-09-01T08:00:00.000Z")
        } else if delta, modified.isEmpty {
            issue(file, row.line, "dateLastModified", "dateLastModified is required in a delta file")
        }
        for (column, allowed) in OneRosterSpec.vocabularies[file] ?? [:] {
            let v = row.values[column] ?? ""
            if !v.isEmpty, !allowed.contains(v) {
                issue(file, row.line, column, "'\(v)' is not one of \(allowed.sorted().joined(separator: ", "))")
            }
        }
    }

    mutating func checkOrgs() {
        for row in rows("orgs") where row.values["type"] == "school" && row.values["status"] != "tobedeleted" {
            let id = row.values["sourcedId"] ?? ""
            let identifier = (row.values["identifier"] ?? "").trimmingCharacters(in: .whitespaces)
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
            if (row.values["name"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty { issue("orgs", row.line, "name", "the school has no name") }
        }
    }

    mutating func checkUsers() {
        let schoolOrgs = Set(rows("orgs").filter { $0.values["type"] == "school" }.compactMap { $0.values["sourcedId"] })
        var rolesByUser: [String: [(role: String, org: String, primary: Bool)]] = [:]
        for r in rows("roles") where r.values["status"] != "tobedeleted" {
            rolesByUser[r.values["userSourcedId"] ?? "", default: []].append((r.values["role"] ?? "", r.values["orgSourcedId"] ?? "", r.values["roleType"] == "primary"))
        }
        for e in rows("enrollments") where e.values["status"] != "tobedeleted" {
            let u = e.values["userSourcedId"] ?? ""
            if rolesByUser[u] == nil, let role = e.values["role"], role == "student" || role == "teacher" {
                rolesByUser[u] = [(role, e.values["schoolSourcedId"] ?? "", true)]
            }
        }
        var usernames: [String: Int] = [:]
        for row in rows("users") where row.values["status"] != "tobedeleted" {
            let id = row.values["sourcedId"] ?? ""
            let roles = rolesByUser[id] ?? []
            guard let main = roles.first(where: { $0.primary && OneRosterSpec.role($0.role) != nil }) ?? roles.first(where: { OneRosterSpec.role($0.role) != nil }) else {
                if roles.isEmpty { issue("users", row.line, "sourcedId", "user '\(id)' has no role in roles.csv or enrollments.csv") }
                continue   // parents, aides and the like are not platform users: skipped
            }
            userRole[id] = Role(rawValue: OneRosterSpec.role(main.role)!)!
            let org = (row.values["primaryOrgSourcedId"] ?? "").isEmpty ? main.org : row.values["primaryOrgSourcedId"]!
            if schoolOrgs.contains(org) || known["orgs"]?.contains(org) == true {
                userSchoolOrg[id] = org
            } else {
                issue("users", row.line, "primaryOrgSourcedId", "user '\(id)' belongs to no school org ('\(org)')")
            }
            let username = (row.values["username"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            do {
                _ = try UsernameRule.check(username)
            } catch {
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

    static func isDateTime(_ s: String) -> Bool {
        s.range(of: #"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2}))?$"#, options: .regularExpression) != nil
    }
}
