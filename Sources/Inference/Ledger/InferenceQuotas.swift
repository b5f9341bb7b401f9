import Foundation
import Persistence
import QianxueCore
import SQLKit
import Synchronization

/// What a daily token budget applies to.
public enum QuotaScope: Sendable, Hashable, CustomStringConvertible {
    case school(UUID)
    case county(String)

    /// The key of the budget and of the ledger's daily rollup row.
    var key: String {
        switch self {
        case .school(let id): return id.uuidString.lowercased()
        case .county(let code): return "county:\(code)"
        }
    }

    init?(key: String) {
        if key.hasPrefix("county:") { self = .county(String(key.dropFirst(7))); return }
        guard let id = UUID(uuidString: key) else { return nil }
        self = .school(id)
    }

    public var description: String {
        switch self {
        case .school(let id): return "school \(id.uuidString.lowercased())"
        case .county(let code): return "county \(code)"
        }
    }
}

/// A spent budget: answer 429 `quota-exceeded` with Retry-After until the next day in Asia/Shanghai.
public struct QuotaExceeded: Error, Sendable, Equatable, CustomStringConvertible {
    public let scope: QuotaScope
    public let dailyTokens: Int
    public let retryAfter: Int

    public var description: String { "the daily AI budget of the \(scope) (\(dailyTokens) tokens) is spent; it renews at midnight" }
}

/// Daily token budgets per school and per county, set by admins, kept in the database and checked
/// against the ledger's daily rollups — so they hold across every gateway instance. The budgets
/// themselves are read at most every `refresh` (a change on this instance is seen at once, on
/// another within `refresh`): most schools have none, and asking on every request cost two queries.
public final class InferenceQuotas: Sendable {
    let database: DatabaseStack
    let refresh: Duration
    private let cache = Mutex<(read: ContinuousClock.Instant, budgets: [String: Int])?>(nil)
    /// Tokens this instance's batched ledger has recorded but not yet stored: they count too.
    let pending: PendingUsage?

    public init(database: DatabaseStack, refresh: Duration = .seconds(5), pending: PendingUsage? = nil) {
        self.database = database
        self.refresh = refresh
        self.pending = pending
    }

    /// Every budget by scope key, from the cache while it is fresh.
    private func budgets() async throws -> [String: Int] {
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0 }), now - cached.read < refresh { return cached.budgets }
        let rows = try await database.sql.select().columns("scope_key", "daily_tokens").from("inference_quotas").all()
        var budgets: [String: Int] = [:]
        for row in rows { budgets[try row.decode(column: "scope_key", as: String.self)] = try row.decode(column: "daily_tokens", as: Int.self) }
        cache.withLock { $0 = (now, budgets) }
        return budgets
    }

    /// Sets a budget (nil removes it).
    public func set(_ scope: QuotaScope, dailyTokens: Int?, now: Date = Date()) async throws {
        defer { cache.withLock { $0 = nil } }
        try await database.sql.delete(from: "inference_quotas").where("scope_key", .equal, scope.key).run()
        guard let dailyTokens else { return }
        try await database.sql.insert(into: "inference_quotas").columns("scope_key", "daily_tokens", "updated_at")
            .values(SQLBind(scope.key), SQLBind(dailyTokens), SQLBind(now)).run()
    }

    /// Every budget, with today's use.
    public func list(day: String) async throws -> [(scope: QuotaScope, dailyTokens: Int, usedToday: Int)] {
        let rows = try await database.sql.select().columns("scope_key", "daily_tokens").from("inference_quotas")
            .orderBy("scope_key").all()
        var out: [(QuotaScope, Int, Int)] = []
        for row in rows {
            guard let scope = QuotaScope(key: try row.decode(column: "scope_key", as: String.self)) else { continue }
            out.append((scope, try row.decode(column: "daily_tokens", as: Int.self), try await used(scope.key, day: day)))
        }
        return out
    }

    /// The first budget of the school or its county that today's use has reached, if any.
    public func exceeded(school: UUID?, county: String?, day: String, now: Date = Date()) async throws -> QuotaExceeded? {
        let scopes = [school.map(QuotaScope.school), county.map(QuotaScope.county)].compactMap { $0 }
        let budgets = try await budgets()
        for scope in scopes {
            guard let budget = budgets[scope.key] else { continue }
            if try await used(scope.key, day: day) >= budget {
                return QuotaExceeded(scope: scope, dailyTokens: budget, retryAfter: PlatformCalendar.secondsUntilNextDay(after: now))
            }
        }
        return nil
    }

    /// Today's use: what is stored, and what this instance has recorded but not yet stored.
    private func used(_ key: String, day: String) async throws -> Int {
        let waiting = pending?.tokens(key: key, day: day) ?? 0
        let row = try await database.sql.select().columns("prompt_tokens", "completion_tokens").from("inference_usage_daily")
            .where("school_key", .equal, key).where("day", .equal, day).first()
        guard let row else { return waiting }
        return try row.decode(column: "prompt_tokens", as: Int.self) + row.decode(column: "completion_tokens", as: Int.self) + waiting
    }
}
