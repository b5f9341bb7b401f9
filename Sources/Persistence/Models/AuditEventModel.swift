import FluentKit
import Foundation

final class AuditEventModel: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "seq") var seq: Int
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_id") var actorID: UUID?
    @OptionalField(key: "actor_role") var actorRole: String?
    @Field(key: "action") var action: String
    @OptionalField(key: "target_type") var targetType: String?
    @OptionalField(key: "target_id") var targetID: String?
    @OptionalField(key: "purpose") var purpose: String?
    @OptionalField(key: "request_id") var requestID: String?
    @OptionalField(key: "detail") var detail: String?
    @Field(key: "prev_hash") var prevHash: String
    @Field(key: "hash") var hash: String

    init() {}
}

/// The chain's tip, kept apart from the events so that deleting the last event is detectable.
final class AuditChainTip: Model, @unchecked Sendable {
    static let schema = "audit_chain"
    static let singletonID = "tip"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "seq") var seq: Int
    @Field(key: "hash") var hash: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
