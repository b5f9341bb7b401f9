import FluentKit

struct CreatePilotProgramme: AsyncMigration {
    var name: String { "Registry.0006_CreatePilotProgramme" }

    func prepare(on database: any Database) async throws {
        try await database.schema(PilotEnrolmentModel.schema)
            .id()
            .field("school_id", .uuid, .required, .references(SchoolModel.schema, "id"))
            .field("cohort", .int, .required)
            .field("status", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "school_id")
            .create()
        try await database.schema(PilotMeasurementModel.schema)
            .id()
            .field("school_id", .uuid, .required, .references(SchoolModel.schema, "id"))
            .field("indicator", .string, .required)
            .field("measured_on", .string, .required)
            .field("value", .double, .required)
            .field("note", .string)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .uuid)
            .create()
        try await database.schema(PilotMilestoneModel.schema)
            .id()
            .field("school_id", .uuid, .required, .references(SchoolModel.schema, "id"))
            .field("code", .string, .required)
            .field("title", .string, .required)
            .field("due_on", .string, .required)
            .field("status", .string, .required)
            .field("completed_on", .string)
            .field("updated_at", .datetime, .required)
            .unique(on: "school_id", "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PilotMilestoneModel.schema).delete()
        try await database.schema(PilotMeasurementModel.schema).delete()
        try await database.schema(PilotEnrolmentModel.schema).delete()
    }
}
