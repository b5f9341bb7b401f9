import FluentKit
import Foundation
import Persistence
import QianxueCore
import SQLKit

/// The writes of a turn as plain SQL, each one statement: they run on every turn, and on
/// PostgreSQL every statement is a round trip (Fluent's model saves also read the model by
/// reflection and asked for the sequence number and the meter first).
extension CompanionService {
    /// The writes of a turn before its reply, committed together: the message counted on the
    /// student's meter and the school's minutes, the message stored, the session's last activity.
    /// On PostgreSQL they are one statement (a `WITH` whose writes all hang on the meter still
    /// holding what the policy read): one round trip where BEGIN, three or four writes and COMMIT
    /// were six. When the meter moved meanwhile that statement writes nothing, and the transaction
    /// below (which reads the meter again) does it.
    func storeStudentTurn(_ m: MessageModel, student: UUID, school: UUID, at instant: Date, read: UsageMeter?) async throws -> UsageMeter {
        if database.isPostgres, let meter = try await storeInOneStatement(m, student: student, school: school, at: instant, read: read) {
            return meter
        }
        return try await database.db.transaction { db in
            let sql = db as! any SQLDatabase
            let meter = try await self.countMessage(of: student, school: school, at: instant, read: read, on: sql)
            try await self.insertMessage(m, on: sql)
            try await self.touchSession(m.sessionID, at: instant, on: sql)
            return meter
        }
    }

    private func storeInOneStatement(_ m: MessageModel, student: UUID, school: UUID, at instant: Date, read: UsageMeter?) async throws -> UsageMeter? {
        let day = PlatformCalendar.day(of: instant)
        let after = UsageMeter.after(read, messageAt: UsageMeter.minuteOfDay(instant))
        let id = m.id ?? UUID.random()
        var parts: [SQLQueryString] = [
            "counted AS (\(Self.meterWrite(read, after, student: student, day: day)))",
            """
            stored AS (INSERT INTO \(ident: MessageModel.schema) (id, session_id, seq, role, content, ai_generated, created_at)
                SELECT \(bind: id), \(bind: m.sessionID),
                       (SELECT COALESCE(MAX(seq), 0) + 1 FROM \(ident: MessageModel.schema) WHERE session_id = \(bind: m.sessionID)),
                       \(bind: m.role), \(bind: m.content), \(bind: m.aiGenerated), \(bind: m.createdAt)
                FROM counted RETURNING seq)
            """,
            """
            touched AS (UPDATE \(ident: SessionModel.schema) SET last_message_at = \(bind: instant)
                WHERE id = \(bind: m.sessionID) AND EXISTS (SELECT 1 FROM counted))
            """,
        ]
        let added = UsageCounts(companionMinutes: after.activeMinutes - (read?.activeMinutes ?? 0))
        if let rollup = Rollups().usageUpsert(school: school, day: day, added, onlyIfRowsIn: "counted") { parts.append("rolled AS (\(rollup))") }
        let row = try await database.sql.raw("WITH \(parts.joined(separator: ", ")) SELECT seq FROM stored").first()
        guard let seq = try row?.decode(column: "seq", as: Int.self) else { return nil }
        m.id = id
        m.seq = seq
        return after
    }

    /// Counts a message of the student at `instant` on their meter, and the minutes it adds on the
    /// school's daily rollup (the session's school). `read` is the meter the turn's policy read: it
    /// is written only if the row still holds it, else read again (another turn of the student
    /// counted in between), so no minute is lost or counted twice.
    func countMessage(of student: UUID, school: UUID, at instant: Date, read: UsageMeter?, on db: any SQLDatabase) async throws -> UsageMeter {
        let day = PlatformCalendar.day(of: instant)
        let minute = UsageMeter.minuteOfDay(instant)
        var before = read
        for _ in 0..<5 {
            let after = UsageMeter.after(before, messageAt: minute)
            if try await replaceMeter(before, with: after, student: student, day: day, on: db) {
                let added = after.activeMinutes - (before?.activeMinutes ?? 0)
                try await Rollups().addUsage(school: school, day: day, UsageCounts(companionMinutes: added), on: db)
                return after
            }
            before = try await meter(of: student, day: day, on: db)
        }
        throw AppError.conflict("the usage meter kept changing; send the message again")
    }

    /// Writes `after` where the row holds `before` (or inserts it where there is no row); false when
    /// the row was something else.
    private func replaceMeter(_ before: UsageMeter?, with after: UsageMeter, student: UUID, day: String, on db: any SQLDatabase) async throws -> Bool {
        try await !db.raw(Self.meterWrite(before, after, student: student, day: day)).all().isEmpty
    }

    /// The meter's write, answering the row's id when it was made (nothing when the row no longer holds `before`).
    static func meterWrite(_ before: UsageMeter?, _ after: UsageMeter, student: UUID, day: String) -> SQLQueryString {
        guard let before else {
            return """
                INSERT INTO \(ident: UsageModel.schema) (id, student_id, day, active_minutes, last_minute, run_start_minute)
                VALUES (\(bind: UUID.random()), \(bind: student), \(bind: day), \(bind: after.activeMinutes), \(bind: after.lastMinute),
                        \(bind: after.runStartMinute))
                ON CONFLICT (student_id, day) DO NOTHING RETURNING id
                """
        }
        return """
            UPDATE \(ident: UsageModel.schema) SET active_minutes = \(bind: after.activeMinutes), last_minute = \(bind: after.lastMinute),
                run_start_minute = \(bind: after.runStartMinute)
            WHERE student_id = \(bind: student) AND day = \(bind: day) AND active_minutes = \(bind: before.activeMinutes)
                AND last_minute = \(bind: before.lastMinute) AND run_start_minute = \(bind: before.runStartMinute)
            RETURNING id
            """
    }

    /// The student's active-minute meter of a day.
    func meter(of student: UUID, day: String, on db: any SQLDatabase) async throws -> UsageMeter? {
        try await db.select().columns("active_minutes", "last_minute", "run_start_minute").from(UsageModel.schema)
            .where("student_id", .equal, student).where("day", .equal, day).first()
            .map { UsageMeter(activeMinutes: try $0.decode(column: "active_minutes", as: Int.self),
                              lastMinute: try $0.decode(column: "last_minute", as: Int.self),
                              runStartMinute: try $0.decode(column: "run_start_minute", as: Int.self)) }
    }

    /// Stores a message at the session's next sequence number, found in the same statement (a
    /// reply takes its number when it ends, after anything stored meanwhile); sets `m.seq`.
    func insertMessage(_ m: MessageModel, on db: any SQLDatabase) async throws {
        let id = m.id ?? UUID.random()
        let row = try await db.raw("""
            INSERT INTO \(ident: MessageModel.schema) (id, session_id, seq, role, content, ai_generated, provider, model, finish_reason,
                prompt_tokens, completion_tokens, flags, created_at)
            VALUES (\(bind: id), \(bind: m.sessionID),
                (SELECT COALESCE(MAX(seq), 0) + 1 FROM \(ident: MessageModel.schema) WHERE session_id = \(bind: m.sessionID)),
                \(bind: m.role), \(bind: m.content), \(bind: m.aiGenerated), \(bind: m.provider), \(bind: m.model), \(bind: m.finishReason),
                \(bind: m.promptTokens), \(bind: m.completionTokens), \(bind: m.flags), \(bind: m.createdAt))
            RETURNING seq
            """).first()
        m.id = id
        m.seq = try row?.decode(column: "seq", as: Int.self) ?? 0
    }

    /// The session's last activity.
    func touchSession(_ id: UUID, at instant: Date, on db: any SQLDatabase) async throws {
        try await db.update(SessionModel.schema).set("last_message_at", to: instant).where("id", .equal, id).run()
    }
}
