import Foundation
import Persistence
import SQLKit

extension SQLInferenceLedger {
    /// The provider name the ledger records for answers of the offline provider, configured or as the fallback.
    static let offlineProvider = OfflineProvider().kind

    /// What one request of a school adds to the school's daily usage rollup.
    static func usageCounts(_ e: LedgerEntry) -> UsageCounts {
        UsageCounts(inferenceRequests: 1, offlineRequests: e.provider == offlineProvider ? 1 : 0,
                    promptTokens: e.promptTokens, completionTokens: e.completionTokens)
    }

    /// Recomputes the ledger's share of the daily usage rollup from its requests (after
    /// `Rollups.clear`): requests of schools only, as province staff belong to none.
    public static func rebuildRollups(on sql: any SQLDatabase) async throws {
        // PostgreSQL sums BIGINT columns as NUMERIC: cast back, on both engines alike.
        let rows = try await sql.raw("""
            SELECT school_id, day, COUNT(*) AS requests,
                   CAST(SUM(CASE WHEN provider = \(bind: offlineProvider) THEN 1 ELSE 0 END) AS BIGINT) AS offline,
                   CAST(SUM(prompt_tokens) AS BIGINT) AS prompt_tokens, CAST(SUM(completion_tokens) AS BIGINT) AS completion_tokens
            FROM inference_requests WHERE school_id IS NOT NULL GROUP BY school_id, day
            """).all()
        var tally = UsageTally()
        for row in rows {
            tally.add(school: try row.decode(column: "school_id", as: UUID.self), day: try row.decode(column: "day", as: String.self),
                      UsageCounts(inferenceRequests: try row.decode(column: "requests", as: Int.self),
                                  offlineRequests: try row.decode(column: "offline", as: Int.self),
                                  promptTokens: try row.decode(column: "prompt_tokens", as: Int.self),
                                  completionTokens: try row.decode(column: "completion_tokens", as: Int.self)))
        }
        try await tally.write(on: sql)
    }
}
