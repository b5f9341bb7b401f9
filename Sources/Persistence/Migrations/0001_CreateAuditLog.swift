import FluentKit
import Foundation

struct CreateAuditLog: AsyncMigration {
    var name: String { "0001_CreateAuditLog" }

    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEventModel.schema)
            .id()
            .field("seq", .int64, .required)
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor_role", .string)
            .field("action", .string, .required)
            .field("target_type", .string)
            .field("target_id", .string)
            .field("purpose", .string)
            .field("request_id", .string)
            .field("detail", .string)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "seq")
            .create()
        try await database.schema(AuditChainTip.schema)
            .field("id", .string, .identifier(auto: false))
            .field("seq", .int64, .required)
            .field("hash", .string, .required)
            .field("updated_at", .datetime, .required)
            .create()
        let tip = AuditChainTip()
        tip.id = AuditChainTip.singletonID
        tip.seq = 0
        tip.hash = AuditLog.genesisHash
        tip.updatedAt = Date()
        try await tip.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditChainTip.schema).delete()
        try await database.schema(AuditEventModel.schema).delete()
    }
}
