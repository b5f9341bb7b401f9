import FluentKit

/// The per-school rollups the regional reports read instead of raw rows: kept up to date by the
/// services as data arrives (see `Rollups`), rebuilt from raw rows by `qianxue reports rebuild`.
struct CreateReportRollups: AsyncMigration {
    var name: String { "0003_CreateReportRollups" }

    func prepare(on database: any Database) async throws {
        // Students per school, term, band, dimension (`ALL` for the overall result) and level
        // (`U`, `A`, `C`, or `-` when the dimension had no item): each student's latest result of the term.
        try await database.schema(Rollups.literacy)
            .field("school_id", .uuid, .required)
            .field("term", .string, .required)
            .field("band", .string, .required)
            .field("dimension", .string, .required)
            .field("level", .string, .required)
            .field("students", .int, .required)
            .unique(on: "school_id", "term", "band", "dimension", "level")
            .create()
        var usage = database.schema(Rollups.usage)
            .field("school_id", .uuid, .required)
            .field("day", .string, .required)
        for column in UsageCounts.columns { usage = usage.field(.definition(name: .key(.string(column)), dataType: .int64, constraints: [.required])) }
        try await usage.unique(on: "school_id", "day").create()
        try await database.schema(Rollups.teacherWeeks)
            .field("school_id", .uuid, .required)
            .field("week", .string, .required)
            .field("teachers", .int, .required)
            .unique(on: "school_id", "week")
            .create()
        try await database.schema(Rollups.teacherWeekSeen)
            .field("user_id", .uuid, .required)
            .field("week", .string, .required)
            .unique(on: "user_id", "week")
            .create()
        try await database.schema(Rollups.enrolment)
            .field("school_id", .uuid, .required)
            .field("band", .string, .required)
            .field("students", .int, .required)
            .unique(on: "school_id", "band")
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in [Rollups.enrolment, Rollups.teacherWeekSeen, Rollups.teacherWeeks, Rollups.usage, Rollups.literacy] {
            try await database.schema(table).delete()
        }
    }
}
