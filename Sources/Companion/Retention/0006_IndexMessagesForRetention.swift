import FluentKit
import SQLKit

/// A partial index over the messages whose text is still kept, by time: the retention purge finds
/// its next batch there without walking the rows it blanked on earlier days (both engines take
/// partial indexes).
struct IndexMessagesForRetention: AsyncMigration {
    var name: String { "Companion.0006_IndexMessagesForRetention" }

    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase)
            .raw("CREATE INDEX companion_messages_text_kept ON companion_messages (created_at) WHERE content <> ''")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX IF EXISTS companion_messages_text_kept").run()
    }
}
