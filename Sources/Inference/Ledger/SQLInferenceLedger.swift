import FluentKit
import Foundation
import Persistence
import SQLKit

/// The ledger in the platform's database: one row per request (`inference_requests`) and one per
/// school and day and one per county and day (`inference_usage_daily`, upserted in the same
/// transaction), so that budgets and
/// usage hold across gateway instances sharing one PostgreSQL.
public struct SQLInferenceLedger: InferenceLedger {
    let database: DatabaseStack

    public init(database: DatabaseStack) {
        self.database = database
    }

    public static var migrations: [any Migration] { [CreateInferenceLedger(), CreateInferenceQuotas(), CreateSafetyDecisions()] }

    /// The rollup's key for requests without a school (province staff).
    static let noSchool = "-"

    public func record(_ e: LedgerEntry) async throws {
        // On PostgreSQL one statement (a `WITH` of the writes) is one round trip and one implicit
        // transaction, where BEGIN, four writes and COMMIT were six round trips on every request.
        try await run(Self.writes(of: e))
    }

    /// What a request writes: its row, its safety decisions, the daily rollups of its school (or
    /// `-`) and county, and the school's usage rollup; one statement per table.
    static func writes(of e: LedgerEntry) -> [SQLQueryString] {
        var out: [SQLQueryString] = ["""
            INSERT INTO inference_requests (id, user_id, school_id, day, purpose, provider, model, prompt_tokens,
                completion_tokens, first_token_ms, duration_ms, outcome, created_at)
            VALUES (\(bind: e.id), \(bind: e.userID), \(bind: e.schoolID), \(bind: e.day), \(bind: e.purpose), \(bind: e.provider),
                \(bind: e.model), \(bind: e.promptTokens), \(bind: e.completionTokens), \(bind: e.firstTokenMilliseconds),
                \(bind: e.durationMilliseconds), \(bind: e.outcome.rawValue), \(bind: e.at))
            """]
        if !e.decisions.isEmpty {
            let rows = e.decisions.map { d -> SQLQueryString in
                "(\(bind: e.id), \(bind: d.category.rawValue), \(bind: d.severity.rawValue), \(bind: d.ruleID), \(bind: d.stage.rawValue), \(bind: e.at))"
            }
            out.append("INSERT INTO inference_safety_decisions (request_id, category, severity, rule_id, stage, created_at) VALUES \(rows.joined(separator: ", "))")
        }
        // The school's row, then the county's: every request locks them in this order.
        let keys = [e.schoolID.map { QuotaScope.school($0).key } ?? Self.noSchool] + (e.county.map { [QuotaScope.county($0).key] } ?? [])
        let (refused, failed) = (e.outcome == .refused ? 1 : 0, e.outcome == .failed ? 1 : 0)
        let rows = keys.map { key -> SQLQueryString in
            "(\(bind: key), \(bind: e.day), 1, \(bind: e.promptTokens), \(bind: e.completionTokens), \(bind: refused), \(bind: failed))"
        }
        let sums = ["requests", "prompt_tokens", "completion_tokens", "refused", "failed"]
            .map { "\($0) = inference_usage_daily.\($0) + excluded.\($0)" }.joined(separator: ", ")
        out.append("""
            INSERT INTO inference_usage_daily (school_key, day, requests, prompt_tokens, completion_tokens, refused, failed)
            VALUES \(rows.joined(separator: ", ")) ON CONFLICT (school_key, day) DO UPDATE SET \(unsafeRaw: sums)
            """)
        if let school = e.schoolID, let rollup = Rollups().usageUpsert(school: school, day: e.day, Self.usageCounts(e)) { out.append(rollup) }
        return out
    }

    /// The safety decisions recorded on a day, counted by category and severity (for reports and tests).
    public func decisionCounts(day: String) async throws -> [String: Int] {
        let rows = try await database.sql.select()
            .column(SQLColumn("category", table: "d")).column(SQLColumn("severity", table: "d")).column(SQLColumn("stage", table: "d"))
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(SQLAlias(SQLIdentifier("inference_safety_decisions"), as: SQLIdentifier("d")))
            .join(SQLAlias(SQLIdentifier("inference_requests"), as: SQLIdentifier("r")),
                  on: SQLColumn("id", table: "r"), .equal, SQLColumn("request_id", table: "d"))
            .where(SQLColumn("day", table: "r"), .equal, SQLBind(day))
            .groupBy(SQLColumn("category", table: "d")).groupBy(SQLColumn("severity", table: "d")).groupBy(SQLColumn("stage", table: "d"))
            .all()
        var out: [String: Int] = [:]
        for row in rows {
            let key = "\(try row.decode(column: "stage", as: String.self)) \(try row.decode(column: "category", as: String.self))/\(try row.decode(column: "severity", as: String.self))"
            out[key] = try row.decode(column: "n", as: Int.self)
        }
        return out
    }
}
