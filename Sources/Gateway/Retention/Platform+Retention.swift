import Companion
import Foundation
import Persistence

extension Platform {
    /// The retention purge with the configured windows: companion text (Companion's rules),
    /// idempotency keys and audit events (Persistence's). Ledger aggregates (`inference_usage_daily`),
    /// the report rollups and the companion's daily usage counts have no window: they count, they
    /// do not quote anyone.
    public func retentionPurge(batchSize: Int = 1000, now: @escaping @Sendable () -> Date = Date.init) throws -> RetentionPurge {
        let r = config.retention
        let rules = try CompanionService.retentionRules(chatDays: r.chatDays)
            + [.idempotencyKeys(days: r.idempotencyDays), AuditRetention.rule(days: r.auditDays)]
        return RetentionPurge(database: database, rules: rules, batchSize: batchSize, now: now)
    }
}
