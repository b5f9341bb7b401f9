import Foundation
import QianxueCore

extension AssessmentService {
    /// Keeps an adaptive attempt in progress for its next answer on PostgreSQL (`answerFromCache`);
    /// `test` is its state when the caller has it decoded already.
    func remember(_ m: AttemptModel, test: AdaptiveTest? = nil) throws {
        guard database.isPostgres, m.kind != AttemptKind.form.rawValue, m.status == AttemptStatus.inProgress.rawValue, let id = m.id else { return }
        attempts.put(AttemptCache.Entry(id: id, studentID: m.studentID, startedAt: m.startedAt, maxItems: m.maxItems, answered: m.answered,
                                        currentItem: m.currentItem, test: try test ?? Self.decode(m.state)))
    }

    /// PostgreSQL: the answer the attempt waits on, taken from the attempt as this process last
    /// stored it — the test's state need not be read back and decoded, and the answer and the
    /// attempt's new state are stored in one statement, on condition that the attempt still stands
    /// where the entry says. Nil when the entry cannot decide: no entry, another student's attempt,
    /// any answer that would be refused (the database decides refusals, so that one is never made
    /// from a stale entry), the last answer (its transaction counts the result in the rollups), or
    /// an attempt that moved on meanwhile (another gateway instance, a racing request) or is gone.
    func answerFromCache(_ id: UUID, itemID: String, answer: ItemAnswer, by p: Principal) async throws -> AttemptView? {
        guard var entry = attempts.entry(id), entry.studentID == p.userID, entry.currentItem == itemID,
              !entry.test.responses.contains(where: { $0.itemID == itemID }),
              let item = items.bank.item(id: itemID), case .scored(_, _, let correct) = item.score(answer) else { return nil }
        let answered = entry.test.responses.map(\.itemID)
        var test = entry.test
        do {
            try test.record(itemID, correct: correct, pool: items.pool)
        } catch {
            attempts.forget(id)
            return nil
        }
        if test.isFinished || test.next(from: items.pool, excluding: Set(answered + [itemID])) == nil { return nil }
        let r = try ResponseModel(attempt: id, seq: answered.count + 1, item: item, answer: answer, correct: correct, at: now())
        do {
            try await advance(id, state: try Self.encode(test), currentItem: test.pending, answered: answered.count + 1, from: answered.count, storing: r)
        } catch let e as AppError where e.type == .conflict {
            attempts.forget(id)
            return nil
        }
        entry.answered = answered.count + 1
        entry.currentItem = test.pending
        entry.test = test
        attempts.put(entry)
        return AttemptView(id: id, studentID: entry.studentID, kind: .adaptive, formID: nil, status: .inProgress, answered: entry.answered,
                           maxItems: entry.maxItems, startedAt: entry.startedAt, item: test.pending.flatMap { items.bank.item(id: $0)?.publicView },
                           result: nil)
    }
}
