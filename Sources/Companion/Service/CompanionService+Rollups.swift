import Foundation
import Inference
import Persistence
import QianxueCore
import SQLKit

extension CompanionService {
    /// Recomputes the companion's share of the daily usage rollup from raw rows (after
    /// `Rollups.clear`): sessions opened, active minutes, safety flags raised and acknowledged.
    public static func rebuildRollups(on sql: any SQLDatabase) async throws {
        var tally = UsageTally()
        // Sessions, each on its school and the day it opened; per student, the schools of their sessions by day.
        let sessions = try await sql.select().columns("student_id", "school_id", "created_at").from(SessionModel.schema)
            .orderBy("created_at")
            .fold(into: (tally, [UUID: [(day: String, school: UUID)]]())) { state, row in
                let school = try row.decode(column: "school_id", as: UUID.self)
                let day = PlatformCalendar.day(of: try row.decode(column: "created_at", as: Date.self))
                state.0.add(school: school, day: day, UsageCounts(companionSessions: 1))
                state.1[try row.decode(column: "student_id", as: UUID.self), default: []].append((day, school))
            }
        tally = sessions.0
        let schoolsByDay = sessions.1
        // Active minutes count for the school of the student's sessions: the latest opened by that day.
        tally = try await sql.select().columns("student_id", "day", "active_minutes").from(UsageModel.schema)
            .where("active_minutes", .greaterThan, 0)
            .fold(into: tally) { t, row in
                let day = try row.decode(column: "day", as: String.self)
                guard let opened = schoolsByDay[try row.decode(column: "student_id", as: UUID.self)], let first = opened.first else { return }
                let school = opened.last { $0.day <= day }?.school ?? first.school
                t.add(school: school, day: day, UsageCounts(companionMinutes: try row.decode(column: "active_minutes", as: Int.self)))
            }
        tally = try await sql.select().columns("school_id", "severity", "created_at", "acknowledged_at").from(FlagModel.schema)
            .fold(into: tally) { t, row in
                let created = try row.decode(column: "created_at", as: Date.self)
                let acknowledged = try row.decode(column: "acknowledged_at", as: Date?.self)
                t.add(school: try row.decode(column: "school_id", as: UUID.self), day: PlatformCalendar.day(of: created),
                      UsageCounts(flags: 1, severeFlags: try row.decode(column: "severity", as: String.self) == SafetySeverity.high.rawValue ? 1 : 0,
                                  flagsAcknowledged: acknowledged == nil ? 0 : 1,
                                  ackSeconds: acknowledged.map { secondsToAcknowledge(created, $0) } ?? 0))
            }
        try await tally.write(on: sql)
    }
}
