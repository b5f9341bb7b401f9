import Foundation
import Persistence

extension CompanionService {
    /// What the companion keeps only for the chat window: the words of the conversations.
    ///
    /// Messages past the window are blanked (their `content` set to ''), not deleted: the rows keep
    /// their session, role, time, model, token counts and safety flags, so a session still shows
    /// how many turns it had, an assignment's progress (messages, hints, active minutes) and the
    /// flags raised stay as they were, and the report rollups rebuilt from raw rows
    /// (`qianxue reports rebuild`) come out the same. A session's running summary of its dropped
    /// turns is cleared by the last message's time.
    public static func retentionRules(chatDays: Int) -> [RetentionRule] {
        [
            .table("companion message text", days: chatDays, table: MessageModel.schema,
                   condition: "created_at < ? AND content <> ''", set: "content = ''"),
            .table("companion session summaries", days: chatDays, table: SessionModel.schema,
                   condition: "summary IS NOT NULL AND COALESCE(last_message_at, created_at) < ?", set: "summary = NULL"),
        ]
    }
}
