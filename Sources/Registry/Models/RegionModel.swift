import FluentKit

final class RegionModel: Model, @unchecked Sendable {
    static let schema = "regions"

    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "level") var level: String
    @OptionalField(key: "parent_code") var parentCode: String?

    init() {}
}
