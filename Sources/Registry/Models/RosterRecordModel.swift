import FluentKit
import Foundation

/// A OneRoster row as it was imported, keyed by file and sourcedId: what makes imports idempotent
/// and exports round-trip. `localID` is the school, class, user or membership it became, if any.
final class RosterRecordModel: Model, @unchecked Sendable {
    static let schema = "roster_records"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "sourced_id") var sourcedID: String
    @OptionalField(key: "school_id") var schoolID: UUID?
    @OptionalField(key: "local_id") var localID: UUID?
    @Field(key: "fields") var fields: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var values: [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(fields.utf8))) ?? [:]
    }

    static func encode(_ values: [String: String]) -> String {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return String(decoding: (try? e.encode(values)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
