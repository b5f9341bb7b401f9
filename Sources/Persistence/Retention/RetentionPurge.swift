import FluentKit
import Foundation
import Logging
import QianxueCore
import SQLKit

/// One kind of stored data kept for a window of days and then deleted or blanked. Each module
/// contributes the rules for its own tables.
public struct RetentionRule: Sendable {
    public let name: String
    public let days: Int
    /// What happens to a row past the window: `deleted` or `blanked`.
    public let action: String
    /// Rows a purge with this cutoff would touch.
    let pending: @Sendable (any Database, Date) async throws -> Int
    /// Deletes or blanks at most `limit` of them in the caller's transaction; returns how many.
    let purge: @Sendable (any Database, Date, Int) async throws -> Int

    public init(name: String, days: Int, action: String,
                pending: @escaping @Sendable (any Database, Date) async throws -> Int,
                purge: @escaping @Sendable (any Database, Date, Int) async throws -> Int) {
        self.name = name
        self.days = days
        self.action = action
        self.pending = pending
        self.purge = purge
    }
}

/// What a purge did (or, dry, would do) per rule.
public struct RetentionReport: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public let name: String
        public let days: Int
        public let action: String
        /// Rows older than this instant (midnight in Asia/Shanghai) were touched.
        public let cutoff: Date
        public let rows: Int
    }

    public let dryRun: Bool
    public let lines: [Line]
    /// Another purge held the lock (PostgreSQL): this one touched nothing.
    public let skipped: Bool

    public var total: Int { lines.reduce(0) { $0 + $1.rows } }

    /// One line for the log or the terminal.
    public var summary: String {
        if skipped { return "retention purge skipped: another purge is running on this database" }
        let verb = dryRun ? "would touch" : "touched"
        let parts = lines.map { "\($0.name) \(dryRun ? "to be " : "")\($0.action) \($0.rows) (before \(PlatformCalendar.day(of: $0.cutoff)), \($0.days) days)" }
        return "retention purge\(dryRun ? " (dry run)" : "") \(verb) \(total) rows: " + parts.joined(separator: "; ")
    }
}

/// Runs the retention rules over the database: for each, rows older than its window in calendar
/// days (Asia/Shanghai) go in batches, each its own short transaction, so a province's database
/// never holds a lock for long. On PostgreSQL one purge runs at a time across gateway instances
/// (a session advisory lock; a second one skips); on SQLite the file's write lock serialises the
/// batches and every rule is safe to run twice.
public struct RetentionPurge: Sendable {
    public let database: DatabaseStack
    public let rules: [RetentionRule]
    public let batchSize: Int
    private let now: @Sendable () -> Date

    /// `pg_try_advisory_lock` key: "qxpurge" in ASCII.
    public static let lockKey: Int64 = 0x71_78_70_75_72_67_65

    public init(database: DatabaseStack, rules: [RetentionRule], batchSize: Int = 1000, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.rules = rules
        self.batchSize = batchSize
        self.now = now
    }

    /// The instant before which rows are past a window of `days`: midnight (Asia/Shanghai) at the
    /// start of the day `days` days before today. A row of that day or later is kept.
    public static func cutoff(days: Int, now: Date) -> Date {
        let today = PlatformCalendar.day(of: now)
        let first = PlatformCalendar.day(today, plus: -days)!
        return PlatformCalendar.calendar.date(from: PlatformCalendar.parseDay(first)!)!
    }

    public func run(dryRun: Bool = false) async throws -> RetentionReport {
        let now = self.now()
        guard database.isPostgres else {
            // SQLite: the stack's one connection is taken for each batch and given back between
            // them, so that requests go on while a large purge runs (held for the whole purge, it
            // kept every request waiting — past the pool's 60 s when commits were slow).
            return try await purge(dryRun: dryRun, now: now, on: database.db)
        }
        // PostgreSQL: the advisory lock belongs to a session, so the purge keeps one connection.
        return try await database.db.withConnection { conn in
            let sql = conn as! any SQLDatabase
            let locked = try await sql.raw("SELECT pg_try_advisory_lock(\(bind: Self.lockKey)) AS locked")
                .first(decodingColumn: "locked", as: Bool.self) ?? false
            if !locked { return RetentionReport(dryRun: dryRun, lines: [], skipped: true) }
            do {
                let report = try await purge(dryRun: dryRun, now: now, on: conn)
                try await sql.raw("SELECT pg_advisory_unlock(\(bind: Self.lockKey))").run()
                return report
            } catch {
                try? await sql.raw("SELECT pg_advisory_unlock(\(bind: Self.lockKey))").run()
                throw error
            }
        }
    }

    /// Every rule in turn, each batch its own transaction on `db` (the pool: a connection per
    /// batch; or one connection held throughout).
    private func purge(dryRun: Bool, now: Date, on db: any Database) async throws -> RetentionReport {
        var lines: [RetentionReport.Line] = []
        for rule in rules {
            let cutoff = Self.cutoff(days: rule.days, now: now)
            var rows = 0
            if dryRun {
                rows = try await rule.pending(db, cutoff)
            } else {
                while true {
                    try Task.checkCancellation()
                    let n = try await db.transaction { tx in try await rule.purge(tx, cutoff, batchSize) }
                    rows += n
                    if n < batchSize { break }
                    await Task.yield()
                }
            }
            lines.append(.init(name: rule.name, days: rule.days, action: rule.action, cutoff: cutoff, rows: rows))
        }
        return RetentionReport(dryRun: dryRun, lines: lines, skipped: false)
    }
}

extension RetentionRule {
    /// A rule over one table: rows matching `condition` (with `?` standing for the cutoff) are
    /// deleted or, with `set`, updated; each batch picks up to its limit by `key`. Counts come from
    /// `RETURNING` (PostgreSQL, SQLite 3.35+).
    public static func table(_ name: String, days: Int, table: String, key: String = "id", condition: String,
                             set: String? = nil) -> RetentionRule {
        RetentionRule(
            name: name, days: days, action: set == nil ? "deleted" : "blanked",
            pending: { db, cutoff in
                let q: SQLQueryString = "SELECT count(*) AS n FROM \(unsafeRaw: table) WHERE " + bindingCutoff(condition, cutoff)
                return try await (db as! any SQLDatabase).raw(q).first(decodingColumn: "n", as: Int.self) ?? 0
            },
            purge: { db, cutoff, limit in
                let limitClause: SQLQueryString = " LIMIT \(literal: limit)"
                let pick: SQLQueryString = "SELECT \(unsafeRaw: key) FROM \(unsafeRaw: table) WHERE " + bindingCutoff(condition, cutoff) + limitClause
                let head: SQLQueryString
                if let set { head = "UPDATE \(unsafeRaw: table) SET \(unsafeRaw: set) WHERE \(unsafeRaw: key) IN (" } else {
                    head = "DELETE FROM \(unsafeRaw: table) WHERE \(unsafeRaw: key) IN ("
                }
                let tail: SQLQueryString = ") RETURNING \(unsafeRaw: key)"
                let q = head + pick + tail
                return try await (db as! any SQLDatabase).raw(q).all().count
            })
    }

    /// `text` with each `?` bound to the cutoff.
    private static func bindingCutoff(_ text: String, _ cutoff: Date) -> SQLQueryString {
        var q: SQLQueryString = ""
        for (i, part) in text.split(separator: "?", omittingEmptySubsequences: false).enumerated() {
            if i > 0 { q += "\(bind: cutoff)" }
            q += "\(unsafeRaw: String(part))"
        }
        return q
    }
}
