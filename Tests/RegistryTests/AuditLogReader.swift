import Persistence

/// Reads the audit trail's actions, oldest first.
struct AuditLogReader {
    let log: AuditLog
    init(_ db: DatabaseStack) { log = AuditLog(database: db) }
    func actions() async throws -> [String] { try await log.records().map(\.event.action) }
}
