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
        try await database.db.transaction { db in
            let sql = db as! any SQLDatabase
            try await sql.insert(into: "inference_requests")
                .columns("id", "user_id", "school_id", "day", "purpose", "provider", "model", "prompt_tokens",
                         "completion_tokens", "first_token_ms", "duration_ms", "outcome", "created_at")
                .values(SQLBind(e.id), SQLBind(e.userID), SQLBind(e.schoolID), SQLBind(e.day), SQLBind(e.purpose),
                        SQLBind(e.provider), SQLBind(e.model), SQLBind(e.promptTokens), SQLBind(e.completionTokens),
                        SQLBind(e.firstTokenMilliseconds), SQLBind(e.durationMilliseconds), SQLBind(e.outcome.rawValue), SQLBind(e.at))
                .run()
            for d in e.decisions {
                try await sql.insert(into: "inference_safety_decisions")
                    .columns("request_id", "category", "severity", "rule_id", "stage", "created_at")
                    .values(SQLBind(e.id), SQLBind(d.category.rawValue), SQLBind(d.severity.rawValue), SQLBind(d.ruleID),
                            SQLBind(d.stage.rawValue), SQLBind(e.at))
                    .run()
            }
            let keys = [e.schoolID.map { QuotaScope.school($0).key } ?? Self.noSchool] + (e.county.map { [QuotaScope.county($0).key] } ?? [])
            for key in keys {
                try await sql.insert(into: "inference_usage_daily")
                    .columns("school_key", "day", "requests", "prompt_tokens", "completion_tokens", "refused", "failed")
                    .values(SQLBind(key), SQLBind(e.day), SQLBind(1), SQLBind(e.promptTokens), SQLBind(e.completionTokens),
                            SQLBind(e.outcome == .refused ? 1 : 0), SQLBind(e.outcome == .failed ? 1 : 0))
                    .onConflict(with: ["school_key", "day"]) { update in
                        update
                            .set(SQLIdentifier("requests"), to: SQLRaw("inference_usage_daily.requests + 1"))
                            .set(SQLIdentifier("prompt_tokens"), to: SQLRaw("inference_usage_daily.prompt_tokens + \(e.promptTokens)"))
                            .set(SQLIdentifier("completion_tokens"), to: SQLRaw("inference_usage_daily.completion_tokens + \(e.completionTokens)"))
                            .set(SQLIdentifier("refused"), to: SQLRaw("inference_usage_daily.refused + \(e.outcome == .refused ? 1 : 0)"))
                            .set(SQLIdentifier("failed"), to: SQLRaw("inference_usage_daily.failed + \(e.outcome == .failed ? 1 : 0)"))
                    }
                    .run()
            }
            if let school = e.schoolID { try await Rollups().addUsage(school: school, day: e.day, Self.usageCounts(e), on: sql) }
        }
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
