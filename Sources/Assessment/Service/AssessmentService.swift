import Curriculum
import FluentKit
import Foundation
import Logging
import Persistence
import QianxueCore
import Registry
import SQLKit

/// Students' AI-literacy assessment: attempts at adaptive tests and fixed forms over the reviewed
/// item bank, results as literacy profiles, class summaries, and the windows in which classes sit it.
public struct AssessmentService: Sendable {
    let database: DatabaseStack
    let registry: RegistryService
    let audit: AuditLog
    /// The item bank and the adaptive pool built from it, with the newest calibrated parameters
    /// (`refreshParameters` takes in a calibration run while the server runs).
    public var items: AssessmentItems { live.items }
    let live: LiveItems
    /// Adaptive attempts in progress as this process last stored them (PostgreSQL's answer path).
    let attempts = AttemptCache()
    /// Length, precision and exposure control of the adaptive test.
    public let configuration: AdaptiveTest.Configuration
    /// The ability cuts between understand, apply and create (provisional until standard setting).
    public let cutScores: CutScores
    /// Published lessons, which the learning path recommends from.
    let lessons: [Lesson]
    /// The lessons each student has done (the companion's sessions); none without a companion.
    let lessonsDone: @Sendable (Set<UUID>) async throws -> [UUID: [CompletedLesson]]
    let now: @Sendable () -> Date
    let logger: Logger

    public static var migrations: [any Migration] { [CreateAssessmentAttempts(), CreateAssessmentWindows(), AddResponseScoring(), IndexAttemptsByStudent(),
                                                     RecordAttemptRescores()] }

    public init(database: DatabaseStack, registry: RegistryService, audit: AuditLog, items: AssessmentItems,
                configuration: AdaptiveTest.Configuration = .standard, cutScores: CutScores = .provisional,
                lessons: [Lesson] = [], lessonsDone: @escaping @Sendable (Set<UUID>) async throws -> [UUID: [CompletedLesson]] = { _ in [:] },
                now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "qianxue.assessment")) {
        self.live = LiveItems(items)
        self.configuration = configuration
        self.cutScores = cutScores
        self.database = database
        self.registry = registry
        self.audit = audit
        self.lessons = lessons.filter { $0.status == .published }
        self.lessonsDone = lessonsDone
        self.now = now
        self.logger = logger
    }

    /// Whether the student has an attempt in progress (the learning companion is locked meanwhile).
    /// Every companion turn asks: one row of one constant at most, not the attempt read as a model.
    public func hasAttemptInProgress(_ student: UUID) async throws -> Bool {
        try await database.sql.raw("""
            SELECT 1 AS one FROM \(ident: AttemptModel.schema)
            WHERE student_id = \(bind: student) AND status = \(bind: AttemptStatus.inProgress.rawValue) LIMIT 1
            """).first() != nil
    }
}

/// A lesson a student has done: worked on with the learning companion.
public struct CompletedLesson: Sendable, Hashable {
    public let slug: String
    public let lastAt: Date

    public init(slug: String, lastAt: Date) {
        self.slug = slug
        self.lastAt = lastAt
    }
}

/// Where an attempt stands.
public enum AttemptStatus: String, Sendable, Codable { case inProgress, finished }

/// An adaptive test, or a fixed form (pre-test, post-test).
public enum AttemptKind: String, Sendable, Codable { case adaptive, form }
