import FluentKit
import Foundation

final class PilotEnrolmentModel: Model, @unchecked Sendable {
    static let schema = "pilot_enrolments"

    @ID(key: .id) var id: UUID?
    @Field(key: "school_id") var schoolID: UUID
    @Field(key: "cohort") var cohort: Int
    @Field(key: "status") var status: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// One dated measurement of an indicator; rows are only ever added.
final class PilotMeasurementModel: Model, @unchecked Sendable {
    static let schema = "pilot_measurements"

    @ID(key: .id) var id: UUID?
    @Field(key: "school_id") var schoolID: UUID
    @Field(key: "indicator") var indicator: String
    @Field(key: "measured_on") var measuredOn: String
    @Field(key: "value") var value: Double
    @OptionalField(key: "note") var note: String?
    @Field(key: "recorded_at") var recordedAt: Date
    @OptionalField(key: "recorded_by") var recordedBy: UUID?

    init() {}
}

final class PilotMilestoneModel: Model, @unchecked Sendable {
    static let schema = "pilot_milestones"

    @ID(key: .id) var id: UUID?
    @Field(key: "school_id") var schoolID: UUID
    @Field(key: "code") var code: String
    @Field(key: "title") var title: String
    @Field(key: "due_on") var dueOn: String
    @Field(key: "status") var status: String
    @OptionalField(key: "completed_on") var completedOn: String?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
