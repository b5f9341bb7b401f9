import FluentKit
import Foundation
import Persistence

/// A lesson a student worked on with the companion: at least one session on it in which they wrote.
public struct LessonWork: Sendable, Hashable {
    public let lessonSlug: String
    public let sessions: Int
    public let firstAt: Date
    public let lastAt: Date
}

extension CompanionService {
    /// The lessons each student worked on with the companion — sessions on the lesson with at least
    /// one message — by student, most recent first. For other modules' summaries (the assessment's
    /// learning path and literacy record); no transcript is read, so nothing is audited here.
    public func lessonsWorked(by students: Set<UUID>) async throws -> [UUID: [LessonWork]] {
        try await Self.lessonsWorked(by: students, on: database)
    }

    /// The same, on a database without a service (for wiring that builds the services in turn).
    public static func lessonsWorked(by students: Set<UUID>, on database: DatabaseStack) async throws -> [UUID: [LessonWork]] {
        guard !students.isEmpty else { return [:] }
        let sessions = try await SessionModel.query(on: database.db).filter(\.$studentID ~~ Array(students))
            .filter(\.$lastMessageAt != nil).all()
        var grouped: [UUID: [String: [SessionModel]]] = [:]
        for s in sessions { grouped[s.studentID, default: [:]][s.lessonSlug, default: []].append(s) }
        return grouped.mapValues { lessons in
            lessons.map { slug, rows in
                LessonWork(lessonSlug: slug, sessions: rows.count, firstAt: rows.map(\.createdAt).min()!,
                           lastAt: rows.compactMap(\.lastMessageAt).max()!)
            }.sorted { $0.lastAt > $1.lastAt }
        }
    }
}
