import Configuration
import Foundation
import Persistence

/// How long personal data is kept, and when `qianxue serve` purges what is past its window.
public struct RetentionSettings: Sendable, Equatable {
    /// Companion message text and session summaries (blanked after; the rows and counts stay).
    public var chatDays = 180
    /// Audit events; never under `AuditRetention.minimumDays` (three years).
    public var auditDays = AuditRetention.minimumDays
    /// `Idempotency-Key` records with their stored answers.
    public var idempotencyDays = 7
    /// The hour of the day (Asia/Shanghai) of the daily purge; nil: `serve` never purges.
    public var purgeHour: Int? = 3
    /// How long after start-up `serve` runs its first purge.
    public var startupDelay: Duration = .seconds(60)

    public init() {}
}

extension AppConfig {
    static let retentionSettings: [ConfigSetting] = [
        .init(env: "QIANXUE_RETENTION_CHAT_DAYS", flag: nil, defaultValue: "180",
              meaning: "days (Asia/Shanghai) companion message text and session summaries are kept; older text is blanked, the messages' rows, counts and flags stay"),
        .init(env: "QIANXUE_RETENTION_AUDIT_DAYS", flag: nil, defaultValue: "1095",
              meaning: "days audit events are kept, at least 1095 (three years); older ones are purged and audit verify starts from the first kept"),
        .init(env: "QIANXUE_RETENTION_IDEMPOTENCY_DAYS", flag: nil, defaultValue: "7",
              meaning: "days Idempotency-Key records and their stored answers are kept"),
        .init(env: "QIANXUE_RETENTION_PURGE_HOUR", flag: nil, defaultValue: "3",
              meaning: "hour (0-23, Asia/Shanghai) of serve's daily retention purge, also run once after start-up; off: serve never purges (run qianxue purge yourself)"),
        .init(env: "QIANXUE_RETENTION_STARTUP_DELAY", flag: nil, defaultValue: "60",
              meaning: "seconds after start-up before serve's first retention purge"),
    ]

    static func parseRetention(_ reader: ConfigReader, into c: inout AppConfig) throws {
        func text(_ key: ConfigKey) -> String? {
            reader.string(forKey: key)?.trimmingCharacters(in: .whitespaces).nonEmpty
        }
        func days(_ key: ConfigKey, _ env: String, from low: Int) throws -> Int? {
            guard let v = text(key) else { return nil }
            guard let n = Int(v), (low...36_500).contains(n) else {
                throw ConfigError(key: env, problem: low == AuditRetention.minimumDays
                    ? "'\(v)' is not a whole number of days from \(low) (audit events are kept at least three years) to 36500"
                    : "'\(v)' is not a whole number of days from \(low) to 36500")
            }
            return n
        }
        if let n = try days("qianxue.retention.chatDays", "QIANXUE_RETENTION_CHAT_DAYS", from: 1) { c.retention.chatDays = n }
        if let n = try days("qianxue.retention.auditDays", "QIANXUE_RETENTION_AUDIT_DAYS", from: AuditRetention.minimumDays) {
            c.retention.auditDays = n
        }
        if let n = try days("qianxue.retention.idempotencyDays", "QIANXUE_RETENTION_IDEMPOTENCY_DAYS", from: 1) { c.retention.idempotencyDays = n }
        if let v = text("qianxue.retention.purgeHour") {
            if v.lowercased() == "off" {
                c.retention.purgeHour = nil
            } else {
                guard let h = Int(v), (0...23).contains(h) else {
                    throw ConfigError(key: "QIANXUE_RETENTION_PURGE_HOUR", problem: "'\(v)' is not an hour from 0 to 23, or off")
                }
                c.retention.purgeHour = h
            }
        }
        if let v = text("qianxue.retention.startupDelay") {
            guard let s = Double(v), s >= 0, s <= 86_400 else {
                throw ConfigError(key: "QIANXUE_RETENTION_STARTUP_DELAY", problem: "'\(v)' is not a number of seconds from 0 to 86400")
            }
            c.retention.startupDelay = .milliseconds(Int64(s * 1000))
        }
    }
}
