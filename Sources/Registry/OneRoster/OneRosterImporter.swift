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
        // What earlier imports kept, read once: every check and write below looks rows up here.
        let existing = try await KeptRecord.all(on: database.db)
        var known: [String: Set<String>] = [:]
        for file in OneRosterSpec.files { known[file] = Set((existing[file] ?? [:]).keys) }
        // A school admin's package describes their own school: its org becomes that school, which
        // keeps its name and county (so the package needs no county for it).
        var county = county
        if let actor, actor.role == .schoolAdmin, let own = actor.schoolID, let school = try await school(own) {
            county = county ?? school.countyCode.rawValue
        }
        var v = OneRosterValidator(package: package, regions: regions, county: county, known: known)
        // Usernames already held by someone this package does not describe.
        let names = (package.tables["users"] ?? []).compactMap { $0.values["username"].map(RosterText.username) }
        for start in stride(from: 0, to: names.count, by: 1000) {
            let chunk = Array(names[start..<min(start + 1000, names.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for row in try await TextRows.all("SELECT id, username FROM users WHERE username IN (\(marks))", binds: chunk, on: database.db) {
                if let id = TextRows.uuid(row[0]), let name = row[1] { v.takenUsernames[name] = id }
            }
        }
        v.linkedUsers = Dictionary((existing["users"] ?? [:]).compactMap { r in r.value.localID.map { (r.key, $0) } }, uniquingKeysWith: { a, _ in a })
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
