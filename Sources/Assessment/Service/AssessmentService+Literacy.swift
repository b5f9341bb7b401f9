import FluentKit
import Foundation
import Persistence
import QianxueCore
import Registry

/// A class's latest results.
public struct ClassLiteracySummary: Sendable {
    public struct Student: Sendable {
        public let id: UUID
        public let name: String
        public let latest: LiteracyResult?
    }

    public let classID: UUID
    public let students: [Student]
    public var enrolled: Int { students.count }
    public var assessed: Int { students.filter { $0.latest != nil }.count }

    /// Per dimension, how many assessed students are at each level (latest results; indicative
    /// dimension estimates count too, as their level is the best there is).
    public var levels: [(dimension: Competency.Dimension, counts: [Competency.Level: Int])] {
        Competency.Dimension.allCases.map { d in
            var counts: [Competency.Level: Int] = [:]
            for s in students {
                guard let r = s.latest?.profile.dimensions.first(where: { $0.dimension == d }), let level = r.level else { continue }
                counts[level, default: 0] += 1
            }
            return (d, counts)
        }
    }
}

extension AssessmentService {
    /// A student's finished attempts, newest first: the student, their teachers and their school's
    /// admins (staff reads are audited).
    public func literacy(of studentID: UUID, for p: Principal, requestID: String?) async throws -> [LiteracyResult] {
        let student = try await registry.visibleUser(studentID, to: p, requestID: requestID)
        guard student.role == .student else { throw AppError.notFound("student \(studentID)") }
        if p.role == .bureau { throw AppError.notFound("student \(studentID)") }
        return try await results(of: [student.id])[student.id] ?? []
    }

    /// A class's students with their latest result (its teachers, school admins).
    public func classLiteracy(_ classID: UUID, for p: Principal, requestID: String?) async throws -> ClassLiteracySummary {
        let cls = try await registry.classTaught(classID, by: p)
        let ids = try await registry.members(ofClasses: [cls.id], role: .student)
        let names = try await registry.displayNames(ids)
        let results = try await results(of: ids)
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "literacy.class.read", targetType: "class",
                                          targetID: cls.id.uuidString, purpose: "class summary", requestID: requestID))
        let students = ids.map { id in ClassLiteracySummary.Student(id: id, name: names[id] ?? "", latest: results[id]?.first) }
            .sorted { $0.name < $1.name }
        return ClassLiteracySummary(classID: cls.id, students: students)
    }

    /// Finished attempts of the students, newest first, by student.
    func results(of students: Set<UUID>) async throws -> [UUID: [LiteracyResult]] {
        guard !students.isEmpty else { return [:] }
        let rows = try await AttemptModel.query(on: database.db).filter(\.$studentID ~~ Array(students))
            .filter(\.$status == AttemptStatus.finished.rawValue).sort(\.$finishedAt, .descending).all()
        var out: [UUID: [LiteracyResult]] = [:]
        for m in rows {
            guard let text = m.result, let r = try? Self.decoder.decode(LiteracyResult.self, from: Data(text.utf8)) else { continue }
            out[m.studentID, default: []].append(r)
        }
        return out
    }
}
