import Foundation
import SQLKit

/// Requests, tokens, refusals and failures: one key's use on a day, or a sum of them.
public struct DailyUsage: Sendable, Equatable {
    public var requests: Int
    public var promptTokens: Int
    public var completionTokens: Int
    public var refused: Int
    public var failed: Int
    public var tokens: Int { promptTokens + completionTokens }

    public static let zero = DailyUsage(requests: 0, promptTokens: 0, completionTokens: 0, refused: 0, failed: 0)

    public init(requests: Int, promptTokens: Int, completionTokens: Int, refused: Int, failed: Int) {
        self.requests = requests
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.refused = refused
        self.failed = failed
    }

    public static func + (a: DailyUsage, b: DailyUsage) -> DailyUsage {
        DailyUsage(requests: a.requests + b.requests, promptTokens: a.promptTokens + b.promptTokens,
                   completionTokens: a.completionTokens + b.completionTokens, refused: a.refused + b.refused, failed: a.failed + b.failed)
    }
}

/// Which rollup rows a usage query reads.
public enum UsageSelection: Sendable, Equatable {
    /// One school's rows.
    case schools([UUID])
    /// The county rows of every county whose code starts with the prefix (a prefecture's "5203",
    /// a county's full code); with `includeUnattached`, also the rows of requests that belong to no
    /// school (province staff) — for the province as a whole.
    case counties(prefix: String, includeUnattached: Bool)
}

/// One rollup row: a school (its id, lower case), a county (`county:520302`) or `-`, on a day.
public struct UsageRow: Sendable, Equatable {
    public let key: String
    public let day: String
    public let usage: DailyUsage

    /// The county code of a county row.
    public var county: String? { key.hasPrefix("county:") ? String(key.dropFirst(7)) : nil }
    /// The school of a school row.
    public var school: UUID? { UUID(uuidString: key) }
}

extension SQLInferenceLedger {
    /// One school's (or, with nil, the province staff's) use on a day.
    public func usage(school: UUID?, day: String) async throws -> DailyUsage {
        let key = school?.uuidString.lowercased() ?? Self.noSchool
        let row = try await database.sql.select()
            .columns("requests", "prompt_tokens", "completion_tokens", "refused", "failed")
            .from("inference_usage_daily")
            .where("school_key", .equal, key).where("day", .equal, day)
            .first()
        return try row.map(Self.usage) ?? .zero
    }

    /// The rollup rows selected, from the day `from` to the day `to` (both `YYYY-MM-DD`, included).
    public func usageRows(_ selection: UsageSelection, from: String, to: String) async throws -> [UsageRow] {
        var query = database.sql.select()
            .columns("school_key", "day", "requests", "prompt_tokens", "completion_tokens", "refused", "failed")
            .from("inference_usage_daily")
            .where("day", .greaterThanOrEqual, from).where("day", .lessThanOrEqual, to)
        switch selection {
        case .schools(let ids):
            guard !ids.isEmpty else { return [] }
            query = query.where("school_key", .in, ids.map { $0.uuidString.lowercased() })
        case .counties(let prefix, let includeUnattached):
            // codes are digits only, so the prefix needs no escaping for LIKE
            guard prefix.allSatisfy(\.isNumber) else { return [] }
            query = query.where { w in
                var w = w.where("school_key", .like, "county:\(prefix)%")
                if includeUnattached { w = w.orWhere("school_key", .equal, Self.noSchool) }
                return w
            }
        }
        return try await query.orderBy("day").all().map { row in
            UsageRow(key: try row.decode(column: "school_key", as: String.self), day: try row.decode(column: "day", as: String.self),
                     usage: try Self.usage(row))
        }
    }

    private static func usage(_ row: any SQLRow) throws -> DailyUsage {
        DailyUsage(requests: try row.decode(column: "requests", as: Int.self),
                   promptTokens: try row.decode(column: "prompt_tokens", as: Int.self),
                   completionTokens: try row.decode(column: "completion_tokens", as: Int.self),
                   refused: try row.decode(column: "refused", as: Int.self),
                   failed: try row.decode(column: "failed", as: Int.self))
    }
}
