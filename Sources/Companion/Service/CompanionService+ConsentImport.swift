import FluentKit
import Foundation
import Persistence
import QianxueCore
import Registry

extension CompanionService {
    /// What a bulk consent import did.
    public struct ConsentImportResult: Sendable, Equatable {
        public let rows: Int
        public let recorded: Int
        public let alreadyRecorded: Int
    }

    /// Records guardian consents from a CSV for students of one school (its school admins, admins),
    /// all or nothing: a file with any bad row is refused with every problem listed.
    public func importConsents(school: UUID, csv: Data, by p: Principal, requestID: String?) async throws -> ConsentImportResult {
        try p.require(.schoolAdmin, .admin, to: "import guardian consents")
        guard p.role == .admin || p.schoolID == school, try await registry.school(school) != nil else { throw AppError.notFound("school \(school)") }
        let file = "consents.csv"
        let table: CSVTable
        do {
            table = try CSVTable.parse(csv, file: file)
        } catch {
            throw error.appError
        }
        let byName = table.column("username"), byID = table.column("studentId"), noteColumn = table.column("note")
        guard byName != nil || byID != nil else {
            throw ImportRefused(issues: [ImportIssue(file: file, line: 1, reason: "the header needs a username or a studentId column")]).appError
        }
        var issues: [ImportIssue] = []
        var students: [(id: UUID, note: String?)] = []
        for row in table.rows {
            func field(_ i: Int?) -> String? {
                i.flatMap { $0 < row.fields.count ? row.fields[$0].trimmingCharacters(in: .whitespaces) : nil }.flatMap { $0.isEmpty ? nil : $0 }
            }
            let note = field(noteColumn)
            if let note, note.count > 500 { issues.append(ImportIssue(file: file, line: row.line, column: "note", reason: "at most 500 characters")) }
            var user: UserRecord?
            if let text = field(byID) {
                guard let id = UUID(uuidString: text) else {
                    issues.append(ImportIssue(file: file, line: row.line, column: "studentId", reason: "'\(text)' is not a UUID"))
                    continue
                }
                user = try await registry.user(id)
            } else if let name = field(byName) {
                user = try await registry.user(username: name)
            } else {
                issues.append(ImportIssue(file: file, line: row.line, reason: "the row names no student"))
                continue
            }
            guard let u = user, u.role == .student, u.schoolID == school else {
                issues.append(ImportIssue(file: file, line: row.line, column: byID != nil ? "studentId" : "username",
                                          reason: "no student of this school by that name"))
                continue
            }
            students.append((u.id, note))
        }
        guard issues.isEmpty else { throw ImportRefused(issues: issues).appError }
        guard !students.isEmpty else { throw AppError.validation("the file has no student rows") }

        let instant = now()
        let rows = students
        let (recorded, already) = try await database.db.transaction { db -> (Int, Int) in
            var recorded = 0, already = 0
            var seen: Set<UUID> = []
            for s in rows where seen.insert(s.id).inserted {
                if try await ConsentModel.query(on: db).filter(\.$studentID == s.id).filter(\.$withdrawnAt == nil).first() != nil {
                    already += 1
                    continue
                }
                let m = ConsentModel()
                m.studentID = s.id
                m.recordedBy = p.userID
                m.recordedAt = instant
                m.note = s.note
                try await m.create(on: db)
                recorded += 1
            }
            try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "consent.import", targetType: "school",
                                              targetID: school.uuidString, requestID: requestID, detail: "\(recorded) recorded, \(already) already"), on: db)
            return (recorded, already)
        }
        return ConsentImportResult(rows: table.rows.count, recorded: recorded, alreadyRecorded: already)
    }
}
