import FluentKit

struct CreateIdempotencyKeys: AsyncMigration {
    var name: String { "0002_CreateIdempotencyKeys" }

    func prepare(on database: any Database) async throws {
        try await database.schema(IdempotencyRecord.schema)
            .id()
            .field("scope", .string, .required)
            .field("key", .string, .required)
            .field("request_hash", .string, .required)
            .field("state", .string, .required)
            .field("status", .int)
            .field("content_type", .string)
            .field("body", .data)
            .field("created_at", .datetime, .required)
            .unique(on: "scope", "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(IdempotencyRecord.schema).delete()
    }
}

/// The migrations that Persistence itself owns; they run before every module's.
public enum PersistenceMigrations {
    public static let all: [any Migration] = [CreateAuditLog(), CreateIdempotencyKeys(), CreateReportRollups(), MakeAuditAppendOnly(),
                                            AnchorAuditChain()]
}
