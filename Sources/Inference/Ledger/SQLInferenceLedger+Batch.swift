import Foundation
import Persistence
import SQLKit

extension SQLInferenceLedger {
    /// Records many requests in one transaction: their rows in one statement, their safety
    /// decisions in one, and the daily and usage rollups summed per school (or county) and day
    /// first, so that each rollup row is written once however many requests it counts.
    public func record(batch entries: [LedgerEntry]) async throws {
        guard !entries.isEmpty else { return }
        if entries.count == 1 { return try await record(entries[0]) }
        try await run(Self.writes(of: entries))
    }

    /// One statement on PostgreSQL (a `WITH` of the writes: one round trip, one implicit
    /// transaction); one transaction of several on SQLite.
    func run(_ writes: [SQLQueryString]) async throws {
        if database.isPostgres {
            let parts = writes.enumerated().map { i, w -> SQLQueryString in "w\(unsafeRaw: String(i)) AS (\(w))" }
            try await database.sql.raw("WITH \(parts.joined(separator: ", ")) SELECT 1").run()
        } else {
            try await database.db.transaction { db in
                for w in writes { try await (db as! any SQLDatabase).raw(w).run() }
            }
        }
    }

    static func writes(of entries: [LedgerEntry]) -> [SQLQueryString] {
        let requests = entries.map { e -> SQLQueryString in
            """
            (\(bind: e.id), \(bind: e.userID), \(bind: e.schoolID), \(bind: e.day), \(bind: e.purpose), \(bind: e.provider), \
            \(bind: e.model), \(bind: e.promptTokens), \(bind: e.completionTokens), \(bind: e.firstTokenMilliseconds), \
            \(bind: e.durationMilliseconds), \(bind: e.outcome.rawValue), \(bind: e.at))
            """
        }
        var out: [SQLQueryString] = ["""
            INSERT INTO inference_requests (id, user_id, school_id, day, purpose, provider, model, prompt_tokens,
                completion_tokens, first_token_ms, duration_ms, outcome, created_at)
            VALUES \(requests.joined(separator: ", "))
            """]
        let decisions = entries.flatMap { e in
            e.decisions.map { d -> SQLQueryString in
                "(\(bind: e.id), \(bind: d.category.rawValue), \(bind: d.severity.rawValue), \(bind: d.ruleID), \(bind: d.stage.rawValue), \(bind: e.at))"
            }
        }
        if !decisions.isEmpty {
            out.append("INSERT INTO inference_safety_decisions (request_id, category, severity, rule_id, stage, created_at) VALUES \(decisions.joined(separator: ", "))")
        }
        // Daily rollups summed per key and day, written in key order (as every writer locks them).
        var daily: [DailyKey: [Int]] = [:]
        for e in entries {
            let keys = [e.schoolID.map { QuotaScope.school($0).key } ?? noSchool] + (e.county.map { [QuotaScope.county($0).key] } ?? [])
            for key in keys {
                let add = [1, e.promptTokens, e.completionTokens, e.outcome == .refused ? 1 : 0, e.outcome == .failed ? 1 : 0]
                let k = DailyKey(key: key, day: e.day)
                daily[k] = zip(daily[k] ?? [0, 0, 0, 0, 0], add).map(+)
            }
        }
        let rows = daily.sorted { ($0.key.key, $0.key.day) < ($1.key.key, $1.key.day) }.map { k, v -> SQLQueryString in
            "(\(bind: k.key), \(bind: k.day), \(bind: v[0]), \(bind: v[1]), \(bind: v[2]), \(bind: v[3]), \(bind: v[4]))"
        }
        let sums = ["requests", "prompt_tokens", "completion_tokens", "refused", "failed"]
            .map { "\($0) = inference_usage_daily.\($0) + excluded.\($0)" }.joined(separator: ", ")
        out.append("""
            INSERT INTO inference_usage_daily (school_key, day, requests, prompt_tokens, completion_tokens, refused, failed)
            VALUES \(rows.joined(separator: ", ")) ON CONFLICT (school_key, day) DO UPDATE SET \(unsafeRaw: sums)
            """)
        // The schools' usage rollups, one row per school and day.
        var usage: [DailyKey: UsageCounts] = [:]
        var schools: [DailyKey: UUID] = [:]
        for e in entries {
            guard let school = e.schoolID else { continue }
            let k = DailyKey(key: school.uuidString, day: e.day)
            let c = usageCounts(e)
            usage[k] = UsageCounts(values: zip(usage[k]?.values ?? Array(repeating: 0, count: UsageCounts.columns.count), c.values).map(+))
            schools[k] = school
        }
        for (k, counts) in usage.sorted(by: { ($0.key.key, $0.key.day) < ($1.key.key, $1.key.day) }) {
            if let school = schools[k], let upsert = Rollups().usageUpsert(school: school, day: k.day, counts) { out.append(upsert) }
        }
        return out
    }

    struct DailyKey: Hashable {
        let key: String
        let day: String
    }
}
