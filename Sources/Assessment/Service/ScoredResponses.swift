import Foundation
import Persistence
import SQLKit

/// The scored responses of finished attempts, as calibration reads them: plain SQL rows in
/// keyset-ordered batches, packed straight into a `ResponseMatrix`. A province's millions of
/// responses then take 4 bytes each in memory, and the batch in flight a bounded amount, where
/// FluentKit models took a kilobyte or more each.
///
/// The batches are separate statements: a response stored while they run is read if its
/// (attempt, item) comes after the batch in flight, and not otherwise.
enum ScoredResponses {
    /// Every item's number of scored responses in finished attempts, items outside the bank included.
    static func counts(on sql: any SQLDatabase) async throws -> [String: Int] {
        let rows = try await sql.raw("""
            SELECT r.item_id AS item, COUNT(*) AS n FROM assessment_responses r
            JOIN assessment_attempts a ON a.id = r.attempt_id
            WHERE a.status = \(bind: AttemptStatus.finished.rawValue) AND r.correct IS NOT NULL
            GROUP BY r.item_id
            """).all()
        var counts: [String: Int] = [:]
        for row in rows { counts[try row.decode(column: "item", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        return counts
    }

    /// The responses to the items of `columns` (item id → column), one examinee per finished attempt,
    /// read `batchSize` rows a statement in (attempt, item) order. The order of the unique index on
    /// those two columns makes each batch an index range, and keeps an attempt's responses together
    /// even when a batch ends in the middle of them.
    static func matrix(columns: [String: Int], batchSize: Int, on sql: any SQLDatabase) async throws -> ResponseMatrix {
        precondition(batchSize >= 1)
        var packer = ResponseMatrix.Packer(itemCount: columns.count)
        var last: (attempt: UUID, item: String)?
        while true {
            var query: SQLQueryString = """
                SELECT r.attempt_id AS attempt, r.item_id AS item, r.correct AS correct FROM assessment_responses r
                JOIN assessment_attempts a ON a.id = r.attempt_id
                WHERE a.status = \(bind: AttemptStatus.finished.rawValue) AND r.correct IS NOT NULL
                """
            if let last { query += " AND (r.attempt_id, r.item_id) > (\(bind: last.attempt), \(bind: last.item))" }
            query += " ORDER BY r.attempt_id, r.item_id LIMIT \(literal: batchSize)"
            let rows = try await sql.raw(query).all()
            for row in rows {
                let attempt = try row.decode(column: "attempt", as: UUID.self)
                let item = try row.decode(column: "item", as: String.self)
                if let last, last.attempt != attempt { packer.endExaminee() }
                last = (attempt, item)
                guard let column = columns[item] else { continue }
                packer.add(item: column, correct: try row.decode(column: "correct", as: Bool.self))
            }
            if rows.count < batchSize { break }
        }
        return try packer.matrix()
    }
}
