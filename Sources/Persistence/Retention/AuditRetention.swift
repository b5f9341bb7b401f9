import FluentKit
import Foundation
import QianxueCore
import SQLKit

/// Purges audit events older than the audit window from the start of the chain, moving the chain's
/// recorded start (`audit_chain_start`) past them in the same transaction, so that `verify` walks
/// on from the first event kept. Only a prefix goes: the walk stops at the first event inside the
/// window, even if a later one (another instance's clock) looks older.
public enum AuditRetention {
    /// Audit events are kept at least three years; the PostgreSQL triggers hold the same line.
    public static let minimumDays = 1095

    public static func rule(days: Int) throws -> RetentionRule {
        guard days >= minimumDays else {
            throw AppError.validation("audit events are kept at least \(minimumDays) days, not \(days)")
        }
        return RetentionRule(name: "audit events", days: days, action: "deleted",
                             pending: { db, cutoff in try await pending(on: db, cutoff: cutoff) },
                             purge: { db, cutoff, limit in try await purge(on: db, cutoff: cutoff, limit: limit) })
    }

    /// Events a purge with this cutoff would remove: the run of events from the start older than it.
    static func pending(on db: any Database, cutoff: Date) async throws -> Int {
        let start = try await AuditLog.chainStart(on: db)
        var from = start.seq, count = 0
        while true {
            let run = try await oldRun(on: db, from: from, expectedHash: nil, cutoff: cutoff, limit: 1000)
            count += run.count
            if run.count < 1000 { return count }
            from += run.count
        }
    }

    /// Removes up to `limit` events of that run in the caller's transaction; returns how many.
    static func purge(on db: any Database, cutoff: Date, limit: Int) async throws -> Int {
        let sql = db as! any SQLDatabase
        // The start's row lock (PostgreSQL) keeps two purges from moving it at once.
        let lock: SQLQueryString = sql.dialect.name == "postgresql"
            ? "SELECT seq, hash FROM audit_chain_start WHERE id = 'start' FOR UPDATE"
            : "SELECT seq, hash FROM audit_chain_start WHERE id = 'start'"
        guard let row = try await sql.raw(lock).first() else {
            throw AppError(.internal, "the audit chain has no recorded start")
        }
        let start = try row.decode(column: "seq", as: Int.self)
        let run = try await oldRun(on: db, from: start, expectedHash: try row.decode(column: "hash", as: String.self),
                                   cutoff: cutoff, limit: limit)
        guard run.count > 0, let lastHash = run.lastHash else { return 0 }
        let newStart = start + run.count
        try await sql.update(AuditChainStart.schema)
            .set("seq", to: SQLBind(newStart)).set("hash", to: SQLBind(lastHash))
            .where("id", .equal, SQLBind(AuditChainStart.singletonID))
            .run()
        try await sql.delete(from: AuditEventModel.schema)
            .where("seq", .greaterThanOrEqual, SQLBind(start)).where("seq", .lessThan, SQLBind(newStart))
            .run()
        return run.count
    }

    /// The events from `from` on, up to `limit`, up to the first one inside the window. A gap or a
    /// broken link there means someone edited the trail: the purge stops rather than hide it.
    private static func oldRun(on db: any Database, from: Int, expectedHash: String?, cutoff: Date,
                               limit: Int) async throws -> (count: Int, lastHash: String?) {
        let rows = try await AuditEventModel.query(on: db).filter(\.$seq >= from).sort(\.$seq).limit(limit).all()
        var count = 0
        var lastHash: String?
        var prev = expectedHash
        for r in rows {
            guard r.seq == from + count, prev == nil || r.prevHash == prev else {
                throw AppError(.internal, "the audit chain is broken at event \(r.seq): run `qianxue audit verify`; no audit event was purged")
            }
            if r.at >= cutoff { break }
            count += 1
            lastHash = r.hash
            prev = r.hash
        }
        return (count, lastHash)
    }
}

extension AuditLog {
    /// The first event kept and the hash it links to; event 1 and the genesis hash where the
    /// database predates the recorded start (`verify` applies no migrations).
    static func chainStart(on db: any Database) async throws -> (seq: Int, hash: String) {
        let sql = db as! any SQLDatabase
        let exists: SQLQueryString = sql.dialect.name == "postgresql"
            ? "SELECT to_regclass('audit_chain_start') IS NOT NULL AS present"
            : "SELECT count(*) > 0 AS present FROM sqlite_master WHERE type = 'table' AND name = 'audit_chain_start'"
        guard try await sql.raw(exists).first(decodingColumn: "present", as: Bool.self) == true,
              let start = try await AuditChainStart.find(AuditChainStart.singletonID, on: db) else {
            return (1, genesisHash)
        }
        return (start.seq, start.hash)
    }
}
