import FluentKit
import Foundation

/// Windows in which a class sits the test, and the history of every item's IRT parameters.
struct CreateAssessmentWindows: AsyncMigration {
    var name: String { "Assessment.0002_CreateAssessmentWindows" }

    func prepare(on database: any Database) async throws {
        try await database.schema(WindowModel.schema)
            .id()
            .field("class_id", .uuid, .required, .references("classes", "id"))
            .field("kind", .string, .required)
            .field("form_id", .string)
            .field("starts_at", .datetime, .required)
            .field("until", .datetime, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(ItemParametersModel.schema)
            .id()
            .field("item_id", .string, .required)
            .field("a", .double, .required)
            .field("b", .double, .required)
            .field("examinees", .int, .required)
            .field("misfit", .bool, .required)
            .field("calibrated_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ItemParametersModel.schema).delete()
        try await database.schema(WindowModel.schema).delete()
    }
}

final class WindowModel: Model, @unchecked Sendable {
    static let schema = "assessment_windows"

    @ID(key: .id) var id: UUID?
    @Field(key: "class_id") var classID: UUID
    @Field(key: "kind") var kind: String
    @OptionalField(key: "form_id") var formID: String?
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "until") var until: Date
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// One calibration's parameters for one item; the newest row is in force, the older ones are its history.
final class ItemParametersModel: Model, @unchecked Sendable {
    static let schema = "assessment_item_parameters"

    @ID(key: .id) var id: UUID?
    @Field(key: "item_id") var itemID: String
    @Field(key: "a") var a: Double
    @Field(key: "b") var b: Double
    @Field(key: "examinees") var examinees: Int
    @Field(key: "misfit") var misfit: Bool
    @Field(key: "calibrated_at") var calibratedAt: Date

    init() {}
}
