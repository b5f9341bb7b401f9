import Assessment
import Assistant
import Companion
import Curriculum
import Foundation
import Inference
import Logging
import Persistence
import QianxueCore
import Registry
import Reports

/// The running platform's services, built once per process and injected into the gateway and the
/// command-line tools alike.
public struct Platform: Sendable {
    public let config: AppConfig
    public let database: DatabaseStack
    public let audit: AuditLog
    public let accounts: AccountService
    public let registry: RegistryService
    public let curriculum: CurriculumService
    public let inference: InferenceRuntime
    public let companion: CompanionService
    public let assessment: AssessmentService
    public let assistant: AssistantService
    public let reports: ReportsService
    public let idempotency: IdempotencyStore
    /// The one way out to other servers (inference, moderation, alert webhook), when any is configured.
    public let outbound: HTTPOutboundTransport?

    /// Every module's migrations, in dependency order.
    public static var migrations: MigrationList {
        var list = MigrationList(PersistenceMigrations.all)
        list.add(RegistryService.migrations)
        list.add(CurriculumService.migrations)
        list.add(SQLInferenceLedger.migrations)
        list.add(CompanionService.migrations)
        list.add(AssessmentService.migrations)
        list.add(AssistantService.migrations)
        return list
    }

    /// Opens the database the configuration names (or uses `database`), applies pending migrations
    /// and seeds, and builds the services.
    public static func open(
        config: AppConfig,
        logger: Logger,
        hasher: any PasswordHasher = BcryptHasher(),
        database: DatabaseStack? = nil,
        curriculum: CurriculumContent? = nil,
        itemBank: ItemBank? = nil,
        forms: [TestForm]? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) async throws -> Platform {
        // Content first: invalid content stops start-up before anything touches the database.
        let content: CurriculumContent
        if let curriculum {
            content = curriculum
        } else {
            let (loaded, problems) = CurriculumLoader.load(from: URL(fileURLWithPath: config.curriculumPath))
            guard problems.isEmpty else { throw CurriculumError.invalid(problems) }
            content = loaded
        }
        let bank: ItemBank
        if let itemBank {
            bank = itemBank
        } else {
            let (loaded, problems) = ItemBankLoader.load(from: URL(fileURLWithPath: config.curriculumPath).appendingPathComponent("assessment"),
                                                         sources: content.sources)
            guard problems.isEmpty else { throw CurriculumError.invalid(problems) }
            bank = loaded
        }
        let testForms: [TestForm]
        if let forms {
            testForms = forms
        } else {
            let (loaded, problems) = FormLoader.load(
                from: URL(fileURLWithPath: config.curriculumPath).appendingPathComponent("assessment/forms"), bank: bank)
            guard problems.isEmpty else { throw CurriculumError.invalid(problems) }
            testForms = loaded
        }
        let db: DatabaseStack
        if let database { db = database } else { db = try await DatabaseStack.open(config.database, logger: logger) }
        let outbound = config.inference != nil || config.moderation != nil || config.alertWebhook != nil
            ? HTTPOutboundTransport(connectTimeout: config.inferenceSettings.connect) : nil
        do {
            var quiet = logger
            quiet.logLevel = max(logger.logLevel, .warning)
            let applied = try await db.migrate(migrations, logger: quiet)
            if applied > 0 { logger.info("applied \(applied) migration(s) to \(db.location)") }
            if try await ReportRollups.neverBuilt(on: db) {
                let rows = try await ReportRollups.rebuild(on: db)
                logger.info("built the report rollups from the stored history: \(rows.map { "\($0.table) \($0.rows)" }.joined(separator: ", "))")
            }
            let audit = AuditLog(database: db)
            var settings = AccountService.Settings()
            settings.tokenLifetime = config.tokenLifetime
            let accounts = try await AccountService(database: db, hasher: hasher, audit: audit, settings: settings, now: now)
            let regions = try await RegionDirectory.load(from: db)
            let registry = RegistryService(database: db, audit: audit, hasher: hasher, regions: regions)
            let curriculumService = CurriculumService(content: content, database: db)
            // The ledger is written in batches (BatchedInferenceLedger: a crash loses at most the last
            // batch's rows); budgets count what waits to be written.
            let ledger = BatchedInferenceLedger(store: SQLInferenceLedger(database: db))
            let inference = InferenceRuntime(endpoint: config.inference, transport: outbound, settings: config.inferenceSettings,
                                             breaker: CircuitBreaker(threshold: config.breakerThreshold, coolDown: config.breakerCoolDown),
                                             scheduler: config.scheduler, ledger: ledger,
                                             quotas: InferenceQuotas(database: db, pending: ledger.pending), moderation: config.moderation,
                                             moderationTimeout: config.moderationTimeout)
            let alerts = outbound.flatMap { t in config.alertWebhook.map { AlertWebhook(url: $0, transport: t, database: db) } }
            // The live pool scores with the latest calibration's parameters.
            let assessmentItems = try AssessmentItems(bank: bank, forms: testForms, calibrated: try await ItemParameterHistory.latest(on: db))
            let assessment = AssessmentService(
                database: db, registry: registry, audit: audit, items: assessmentItems, lessons: content.lessons,
                lessonsDone: { students in
                    try await CompanionService.lessonsWorked(by: students, on: db).mapValues { $0.map { CompletedLesson(slug: $0.lessonSlug, lastAt: $0.lastAt) } }
                }, now: now)
            let companion = CompanionService(database: db, registry: registry, curriculum: curriculumService, inference: inference.service,
                                             audit: audit, now: now, attemptsInProgress: { try await assessment.hasAttemptInProgress($0) },
                                             alerts: alerts)
            let assistant = AssistantService(database: db, registry: registry, curriculum: curriculumService, inference: inference.service,
                                             companion: companion, audit: audit, now: now, lessonCharacters: config.assistantLessonCharacters)
            return Platform(config: config, database: db, audit: audit, accounts: accounts, registry: registry,
                            curriculum: curriculumService, inference: inference, companion: companion, assessment: assessment,
                            assistant: assistant, reports: ReportsService(database: db, audit: audit, registry: registry, now: now),
                            idempotency: IdempotencyStore(database: db), outbound: outbound)
        } catch {
            await outbound?.shutdown()
            if database == nil { await db.shutdown() }
            throw error
        }
    }

    /// Closes what the platform opened: alert deliveries under way, the outbound client, then the database pool.
    public func shutdown() async {
        await companion.alerts?.shutdown()
        await outbound?.shutdown()
        await inference.flushLedger()
        await database.shutdown()
    }
}
