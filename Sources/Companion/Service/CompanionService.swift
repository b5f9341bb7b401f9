import Curriculum
import FluentKit
import Foundation
import Inference
import Logging
import Persistence
import QianxueCore
import Registry

/// The learning companion (智能学伴): assignments of lessons, the controls that decide when a
/// student may chat (class mode, exam windows, guardian consent, daily use, the school's rules),
/// students' sessions grounded in a lesson, and the safety flags their teachers see.
public struct CompanionService: Sendable {
    let database: DatabaseStack
    let registry: RegistryService
    let curriculum: CurriculumService
    let inference: InferenceService
    let audit: AuditLog
    public let policy: CompanionPolicy
    let now: @Sendable () -> Date
    let logger: Logger
    /// Whether a student has an assessment attempt in progress (which locks the companion like an
    /// exam window). The assessment module answers it; a platform without one has no attempts.
    let attemptsInProgress: @Sendable (UUID) async throws -> Bool
    /// Where severe flags are posted as well (none: the app only).
    public let alerts: AlertWebhook?
    /// What replies must not contain, by lesson and rules (made once each).
    let forbiddenPhrases = ForbiddenPhrases()
    /// The sections grounding may quote, with their search terms, by lesson (made once each).
    let sectionTerms = SectionTerms()
    /// Students whose reply is not stored yet (their next message is refused until it is).
    let turnsUnderWay = TurnsUnderWay()

    /// Characters of a student's message accepted at most (413 beyond).
    public static let maxMessageCharacters = 4_000
    /// Characters of earlier conversation sent with a turn; older turns are dropped, with a note of what they asked.
    public static let contextCharacters = 6_000

    /// What every session tells the student (the first message says it too).
    public static let teacherCanReadNotice = "黔学学伴是人工智能（AI），不是真人；你的老师可以查看这段对话。"

    public static var migrations: [any Migration] {
        [CreateAssignments(), CreateCompanionSessions(), CreateCompanionControls(), CreateStudentSafetyFlags(), ExtendAssignments(),
         IndexMessagesForRetention()]
    }

    public init(database: DatabaseStack, registry: RegistryService, curriculum: CurriculumService, inference: InferenceService,
                audit: AuditLog, policy: CompanionPolicy = .shipped, now: @escaping @Sendable () -> Date = Date.init,
                attemptsInProgress: @escaping @Sendable (UUID) async throws -> Bool = { _ in false },
                alerts: AlertWebhook? = nil, logger: Logger = Logger(label: "qianxue.companion")) {
        self.attemptsInProgress = attemptsInProgress
        self.alerts = alerts
        self.database = database
        self.registry = registry
        self.curriculum = curriculum
        self.inference = inference
        self.audit = audit
        self.policy = policy
        self.now = now
        self.logger = logger
    }


    /// A student the caller may look after: a teacher of one of their classes, their school's admins, admins.
    func studentInCare(_ id: UUID, of p: Principal) async throws -> UserRecord {
        guard let s = try await registry.user(id), s.role == .student else { throw AppError.notFound("student \(id)") }
        switch try await registry.scope(of: p) {
        case .everything: return s
        case .school(let sid) where sid == s.schoolID: return s
        case .teacher(_, let classes) where !classes.isDisjoint(with: try await registry.classIDs(of: id)): return s
        default: throw AppError.notFound("student \(id)")
        }
    }
}
