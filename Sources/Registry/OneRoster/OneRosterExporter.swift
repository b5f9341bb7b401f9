import FluentKit
import Foundation
import QianxueCore
import ZIPFoundation

extension RegistryService {
    /// A school's roster as OneRoster 1.2 CSV files (file name → text): imported rows as they came
    /// (passwords never), and rows made for what was created in Qianxue itself (sourcedId = its id).
    public func exportOneRoster(schoolID: UUID) async throws -> [String: String] {
        guard let school = try await school(schoolID) else { throw AppError.notFound("school \(schoolID)") }
        let db = database.db
        func records(_ kind: String) async throws -> [RosterRecordModel] {
            try await RosterRecordModel.query(on: db).filter(\.$kind == kind).all()
        }
        var rows: [String: [[String: String]]] = [:]
        let orgRecord = try await records("orgs").first { $0.localID == schoolID }
        let orgID = orgRecord?.sourcedID ?? schoolID.uuidString.lowercased()
        rows["orgs"] = [orgRecord?.values ?? ["sourcedId": orgID, "status": "active", "name": school.name, "type": "school",
                                                "identifier": school.countyCode.rawValue]]

        let classRecords = try await records("classes").filter { $0.schoolID == schoolID }
        let localClasses = try await ClassModel.query(on: db).filter(\.$schoolID == schoolID).all()
        var classIDs: [UUID: String] = [:]
        for r in classRecords { if let l = r.localID { classIDs[l] = r.sourcedID } }
        rows["classes"] = classRecords.map(\.values) + localClasses.filter { classIDs[$0.id!] == nil }.map { c in
            classIDs[c.id!] = c.id!.uuidString.lowercased()
            return ["sourcedId": c.id!.uuidString.lowercased(), "status": "active", "title": c.name, "grades": Self.gradeCode(c.grade),
                    "classCode": c.name, "classType": "homeroom", "schoolSourcedId": orgID]
        }
        let terms = Set(classRecords.flatMap { ($0.values["termSourcedIds"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
        let courses = Set(classRecords.compactMap { $0.values["courseSourcedId"] })
        rows["academicSessions"] = try await records("academicSessions").filter { terms.contains($0.sourcedID) }.map(\.values)
        rows["courses"] = try await records("courses").filter { courses.contains($0.sourcedID) }.map(\.values)

        let userRecords = try await records("users").filter { $0.schoolID == schoolID }
        let localUsers = try await UserModel.query(on: db).filter(\.$schoolID == schoolID).filter(\.$erasedAt == nil).all()
        var userIDs: [UUID: String] = [:]
        for r in userRecords { if let l = r.localID { userIDs[l] = r.sourcedID } }
        let native = localUsers.filter { userIDs[$0.id!] == nil }
        for u in native { userIDs[u.id!] = u.id!.uuidString.lowercased() }
        rows["users"] = userRecords.map(\.values) + native.map { u in
            ["sourcedId": userIDs[u.id!]!, "status": "active", "enabledUser": "true", "username": u.username, "givenName": u.displayName,
             "grades": u.grade.map(Self.gradeCode) ?? "", "primaryOrgSourcedId": orgID]
        }
        let exportedUsers = Set(userIDs.values)
        rows["roles"] = try await records("roles").filter { exportedUsers.contains($0.values["userSourcedId"] ?? "") }.map(\.values)
            + native.map { u in
                ["sourcedId": "role-\(userIDs[u.id!]!)", "status": "active", "userSourcedId": userIDs[u.id!]!, "roleType": "primary",
                 "role": u.role == Role.schoolAdmin.rawValue ? "siteAdministrator" : u.role, "orgSourcedId": orgID]
            }
        let enrolmentRecords = try await records("enrollments").filter { $0.schoolID == schoolID || classIDs.values.contains($0.values["classSourcedId"] ?? "") }
        let linkedMemberships = Set(enrolmentRecords.compactMap(\.localID))
        let memberships = localClasses.isEmpty ? [] : try await MembershipModel.query(on: db).filter(\.$classID ~~ localClasses.compactMap(\.id)).all()
        rows["enrollments"] = enrolmentRecords.map(\.values) + memberships.filter { !linkedMemberships.contains($0.id!) }.compactMap { m in
            guard let user = userIDs[m.userID], let cls = classIDs[m.classID] else { return nil }
            return ["sourcedId": m.id!.uuidString.lowercased(), "status": "active", "classSourcedId": cls, "schoolSourcedId": orgID,
                    "userSourcedId": user, "role": m.role]
        }
        let demographicRecords = try await records("demographics").filter { exportedUsers.contains($0.sourcedID) }
        let withDemographics = Set(demographicRecords.map(\.sourcedID))
        rows["demographics"] = demographicRecords.map(\.values) + native.compactMap { u in
            guard let b = u.birthDate, !withDemographics.contains(userIDs[u.id!]!) else { return nil }
            return ["sourcedId": userIDs[u.id!]!, "status": "active", "birthDate": b]
        }
        rows["userProfiles"] = try await records("userProfiles").filter { exportedUsers.contains($0.values["userSourcedId"] ?? "") }.map(\.values)

        var files: [String: String] = [:]
        var manifest = "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n"
        for name in (OneRosterSpec.files + OneRosterSpec.otherFiles).sorted() {
            let present = OneRosterSpec.files.contains(name)
            manifest += "file.\(name),\(present ? "bulk" : "absent")\n"
            guard present, let header = OneRosterSpec.headers[name] else { continue }
            let sorted = (rows[name] ?? []).sorted { ($0["sourcedId"] ?? "") < ($1["sourcedId"] ?? "") }
            files["\(name).csv"] = ([header] + sorted.map { r in header.map { $0 == "password" ? "" : (r[$0] ?? "") } })
                .map { $0.map(CSVText.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        }
        manifest += "source.systemName,Qianxue\nsource.systemCode,qianxue\n"
        files["manifest.csv"] = manifest
        return files
    }

    /// The same files in a zip archive.
    public func exportOneRosterZip(schoolID: UUID) async throws -> Data {
        let files = try await exportOneRoster(schoolID: schoolID)
        let archive = try Archive(data: Data(), accessMode: .create)
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let data = Data(text.utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let out = archive.data else { throw AppError(.internal, "the zip archive could not be written") }
        return out
    }

    static func gradeCode(_ g: String) -> String {
        if let n = Int(g) { return n < 10 ? "0\(n)" : String(n) }
        return g
    }
}
