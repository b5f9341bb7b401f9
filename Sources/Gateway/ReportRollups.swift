import Assessment
import Assistant
import Companion
import Inference
import Persistence
import Registry
import SQLKit

/// The report rollups rebuilt from raw rows (`qianxue reports rebuild`): after a restore, when the
/// rollups were added to a platform with history, or whenever a count is in doubt.
public enum ReportRollups {
    /// Empties the five rollup tables and has each module count its share again from its own rows,
    /// in one transaction: readers see the old rollups or the new ones, never half of each. On
    /// PostgreSQL the tables stay locked meanwhile, so that a write counted while the rebuild runs
    /// waits and adds itself on top, rather than being counted twice or lost. Returns the rows each
    /// table holds afterwards.
    @discardableResult
    public static func rebuild(platform: Platform) async throws -> [(table: String, rows: Int)] {
        try await rebuild(on: platform.database)
    }

    @discardableResult
    public static func rebuild(on database: DatabaseStack) async throws -> [(table: String, rows: Int)] {
        try await database.db.transaction { db in
            let sql = db as! any SQLDatabase
            if database.isPostgres {
                try await sql.raw("LOCK TABLE \(unsafeRaw: Rollups.tables.joined(separator: ", ")) IN EXCLUSIVE MODE").run()
            }
            try await Rollups().clear(on: sql)
            try await RegistryService.rebuildRollups(on: sql)
            try await AssessmentService.rebuildRollups(on: sql)
            try await CompanionService.rebuildRollups(on: sql)
            try await SQLInferenceLedger.rebuildRollups(on: sql)
            try await AssistantService.rebuildRollups(on: sql)
            var rows: [(table: String, rows: Int)] = []
            for table in Rollups.tables {
                let n = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table).first()
                rows.append((table, try n?.decode(column: "n", as: Int.self) ?? 0))
            }
            return rows
        }
    }

    /// True when the platform has students but the rollups were never built: the rollup tables
    /// were added to a platform with history (enrolment is counted with every student written, so
    /// students without an enrolment row mean the rollups are empty, not stale).
    public static func neverBuilt(on database: DatabaseStack) async throws -> Bool {
        let sql = database.sql
        let counted = try await sql.raw("SELECT school_id FROM \(unsafeRaw: Rollups.enrolment) LIMIT 1").first()
        guard counted == nil else { return false }
        return try await sql.raw("SELECT id FROM users WHERE role = 'student' AND school_id IS NOT NULL LIMIT 1").first() != nil
    }
}
