import Foundation
import Persistence
import QianxueCore
import SQLKit

extension AssistantService {
    /// A draft written for a school: one more on the school's day, and its owner active that week.
    static func countDraft(owner: UUID, school: UUID, at instant: Date, on sql: any SQLDatabase) async throws {
        let day = PlatformCalendar.day(of: instant)
        try await Rollups().addUsage(school: school, day: day, UsageCounts(assistantDrafts: 1), on: sql)
        try await Rollups().teacherActive(user: owner, school: school, day: day, on: sql)
    }

    /// Recomputes the assistant's share of the rollups from its drafts (after `Rollups.clear`):
    /// drafts per school and day, and each owner active once a week, for the school of their
    /// first draft of the week. Drafts of no school (platform admins) count nowhere.
    public static func rebuildRollups(on sql: any SQLDatabase) async throws {
        struct Tally {
            var usage = UsageTally()
            /// Each owner's first draft of each week: the school it counts for, in order.
            var active: [(owner: UUID, school: UUID, day: String)] = []
            var seen: Set<String> = []
        }
        let tally = try await sql.select().columns("owner_id", "school_id", "created_at").from(DraftModel.schema)
            .where("school_id", .isNot, SQLLiteral.null).orderBy("created_at").orderBy("id")
            .fold(into: Tally()) { t, row in
                let owner = try row.decode(column: "owner_id", as: UUID.self)
                let school = try row.decode(column: "school_id", as: UUID.self)
                let day = PlatformCalendar.day(of: try row.decode(column: "created_at", as: Date.self))
                t.usage.add(school: school, day: day, UsageCounts(assistantDrafts: 1))
                if t.seen.insert("\(owner) \(PlatformCalendar.weekStart(ofDay: day))").inserted { t.active.append((owner, school, day)) }
            }
        try await tally.usage.write(on: sql)
        for a in tally.active { try await Rollups().teacherActive(user: a.owner, school: a.school, day: a.day, on: sql) }
    }
}
