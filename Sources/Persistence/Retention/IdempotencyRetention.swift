import Foundation

extension RetentionRule {
    /// `Idempotency-Key` records with their stored answers (which may quote a student's chat): a
    /// client retries within minutes, so a few days is plenty. A key past the window is forgotten
    /// and, sent once more, runs as a new request.
    public static func idempotencyKeys(days: Int) -> RetentionRule {
        .table("idempotency keys", days: days, table: IdempotencyRecord.schema, condition: "created_at < ?")
    }
}
