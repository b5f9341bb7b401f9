import Foundation

extension ResponseModel {
    /// The row of an attempt's `seq`-th answer: what was answered, as JSON, and its score — the
    /// item's points when right, 0 when wrong, none while a teacher has to score it (`correct` nil).
    convenience init(attempt: UUID, seq: Int, item: AssessmentItem, answer: ItemAnswer, correct: Bool?, at date: Date) throws {
        self.init()
        attemptID = attempt
        self.seq = seq
        itemID = item.id
        self.answer = String(decoding: try JSONEncoder().encode(answer), as: UTF8.self)
        self.correct = correct
        points = correct.map { $0 ? (item.rubric?.maxPoints ?? 1) : 0 }
        answeredAt = date
    }
}
