import FluentKit
import Foundation

final class SchoolModel: Model, @unchecked Sendable {
    static let schema = "schools"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "county_code") var countyCode: String
    @OptionalField(key: "functional_area") var functionalArea: String?
    @Field(key: "created_at") var createdAt: Date
    /// Stages offered, as `,primary,junior,` so that one stage matches with LIKE on both engines.
    @OptionalField(key: "stages") var stages: String?
    @OptionalField(key: "locale") var locale: String?
    @OptionalField(key: "enrolment") var enrolment: Int?
    @OptionalField(key: "contact_name") var contactName: String?
    @OptionalField(key: "contact_phone") var contactPhone: String?
    @OptionalField(key: "contact_email") var contactEmail: String?
    @OptionalField(key: "synthetic") var synthetic: Bool?
    @OptionalField(key: "version") var version: Int?
    @OptionalField(key: "updated_at") var updatedAt: Date?

    init() {}
}

final class ClassModel: Model, @unchecked Sendable {
    static let schema = "classes"

    @ID(key: .id) var id: UUID?
    @Field(key: "school_id") var schoolID: UUID
    @Field(key: "grade") var grade: String
    @Field(key: "name") var name: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "academic_year") var academicYear: String?

    init() {}
}

final class MembershipModel: Model, @unchecked Sendable {
    static let schema = "memberships"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "class_id") var classID: UUID
    @Field(key: "role") var role: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
