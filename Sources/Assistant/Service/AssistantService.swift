import Companion
import Curriculum
import FluentKit
import Foundation
import Inference
import Logging
import Persistence
import QianxueCore
import Registry

/// The teacher assistant (教师+AI助教): drafts of lesson plans, quizzes, differentiated designs and
/// feedback, written through the inference path at teacher priority and grounded in the lesson and
/// the class's band, then edited, approved and published by the teacher. Every version is kept;
/// students never see a draft, and AI-written material reaches them only once it is published.
public struct AssistantService: Sendable {
    let database: DatabaseStack
    let registry: RegistryService
    let curriculum: CurriculumService
    let inference: InferenceService
    let companion: CompanionService
    let audit: AuditLog
    let now: @Sendable () -> Date
    let logger: Logger
    /// Characters of the lesson's text a draft prompt carries (`DraftPrompt.defaultLessonCharacters`).
    let lessonCharacters: Int

    /// Characters of teacher instructions accepted at most.
    public static let maxInstructions = 2_000
    /// Characters of a draft's text accepted at most.
    public static let maxContent = 60_000
    /// Quiz items per draft.
    public static let itemCounts = 1...20

    public static var migrations: [any Migration] { [CreateDrafts(), CreateQuizSubmissions(), AddDraftSubjectKind()] }

    public init(database: DatabaseStack, registry: RegistryService, curriculum: CurriculumService, inference: InferenceService,
                companion: CompanionService, audit: AuditLog, now: @escaping @Sendable () -> Date = Date.init,
                lessonCharacters: Int = DraftPrompt.defaultLessonCharacters, logger: Logger = Logger(label: "qianxue.assistant")) {
        self.database = database
        self.registry = registry
        self.curriculum = curriculum
        self.inference = inference
        self.companion = companion
        self.audit = audit
        self.now = now
        self.lessonCharacters = lessonCharacters
        self.logger = logger
    }

    /// A draft the caller may read: its author, the other teachers of the class it was made for,
    /// their school's admins, admins. Anyone else — every student above all — gets 404, as if it
    /// did not exist.
    public func draft(_ id: UUID, for p: Principal) async throws -> DraftRecord {
        DraftRecord(try await visibleModel(id, for: p))
    }

    func visibleModel(_ id: UUID, for p: Principal) async throws -> DraftModel {
        try await accessible(id, for: p).model
    }

    /// The draft and what the caller is to it (404 when they are nothing to it).
    func accessible(_ id: UUID, for p: Principal) async throws -> (model: DraftModel, reader: DraftReader) {
        guard p.role.isStaff, let m = try await DraftModel.find(id, on: database.db), let reader = try await reader(p, of: m) else {
            throw AppError.notFound("draft \(id)")
        }
        return (m, reader)
    }

    private func reader(_ p: Principal, of m: DraftModel) async throws -> DraftReader? {
        if p.role == .admin { return .admin }
        if m.ownerID == p.userID { return .author }
        if p.role == .schoolAdmin, m.schoolID != nil, m.schoolID == p.schoolID { return .schoolAdmin }
        if p.role == .teacher, let cls = m.classID, (try? await registry.classTaught(cls, by: p)) != nil { return .coTeacher }
        return nil
    }

    /// The caller's drafts and those made for the classes they teach (school admins: their
    /// school's), newest change first.
    public func drafts(for p: Principal, kind: DraftKind?, state: DraftState?, lessonSlug: String?, page: PageQuery) async throws -> ListPage<DraftRecord> {
        try p.require(.teacher, .schoolAdmin, .admin, to: "list assistant drafts")
        var q = DraftModel.query(on: database.db)
        switch p.role {
        case .admin: break
        case .schoolAdmin:
            guard let school = p.schoolID else { return ListPage(items: [], nextPageToken: nil) }
            q = q.filter(\.$schoolID == school)
        default:
            let taught = Array(try await registry.classIDs(of: p.userID))
            q = q.group(.or) { or in
                or.filter(\.$ownerID == p.userID)
                if !taught.isEmpty { or.filter(\.$classID ~~ taught) }
            }
        }
        if let kind { q = q.filter(\.$kind == kind.rawValue) }
        if let state { q = q.filter(\.$state == state.rawValue) }
        if let lessonSlug { q = q.filter(\.$lessonSlug == lessonSlug) }
        return try await q.newestFirstPage(createdAt: \.$createdAt, page: page, record: DraftRecord.init) { TimeCursor(date: $0.createdAt, id: $0.id) }
    }

    /// Every version of a draft, oldest first.
    public func versions(of id: UUID, for p: Principal, page: PageQuery) async throws -> ListPage<DraftVersionRecord> {
        _ = try await visibleModel(id, for: p)
        var q = DraftVersionModel.query(on: database.db).filter(\.$draftID == id)
        if let after = page.after.flatMap(Int.init) { q = q.filter(\.$version > after) }
        let rows = try await q.sort(\.$version).limit(page.size + 1).all()
        let items = rows.prefix(page.size).map(DraftVersionRecord.init)
        let next = rows.count > page.size ? items.last.map { PageQuery.token(after: String($0.version)) } : nil
        return ListPage(items: Array(items), nextPageToken: next)
    }

    /// A published quiz's items, for attaching to an assignment of the class it was written for.
    public func publishedQuiz(_ id: UUID, for p: Principal) async throws -> DraftRecord {
        let d = try await draft(id, for: p)
        guard d.kind == .quiz else { throw AppError.validation("draft \(id) is a \(d.kind.rawValue), not a quiz", field: "quizId") }
        guard d.state == .published else {
            throw AppError.conflict("quiz \(id) is \(d.state.rawValue); approve and publish it before students may see it")
        }
        return d
    }
}
