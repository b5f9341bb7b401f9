import Foundation
import Synchronization

/// Adaptive attempts in progress as this process last stored them, so that the next answer need not
/// read the attempt back and decode its state: on PostgreSQL an answer that does not finish the test
/// then costs one statement. The database stays the record — an answer from here is stored only if
/// the attempt still stands where the entry says (`answered` and in progress), and whatever the
/// entry cannot decide (a refusal, the last answer, a row that moved on through another gateway
/// instance or was erased) is decided again from the database.
final class AttemptCache: Sendable {
    struct Entry: Sendable {
        let id: UUID
        let studentID: UUID
        let startedAt: Date
        let maxItems: Int
        var answered: Int
        var currentItem: String?
        var test: AdaptiveTest
    }

    private let entries: Mutex<[UUID: Entry]>
    /// At most this many attempts (a few kB each); beyond it half are dropped, which costs those
    /// attempts one read each.
    let capacity: Int

    init(capacity: Int = 5_000) {
        self.capacity = capacity
        entries = Mutex([:])
    }

    func entry(_ id: UUID) -> Entry? { entries.withLock { $0[id] } }

    /// Keeps `e` unless the entry already there is further on (an answer that finished storing later).
    func put(_ e: Entry) {
        entries.withLock { all in
            if let kept = all[e.id], kept.answered > e.answered { return }
            if all[e.id] == nil, all.count >= capacity {
                for key in all.keys.prefix(capacity / 2) { all[key] = nil }
            }
            all[e.id] = e
        }
    }

    func forget(_ id: UUID) { _ = entries.withLock { $0.removeValue(forKey: id) } }

    func forget(student: UUID) {
        entries.withLock { all in all = all.filter { $0.value.studentID != student } }
    }

    var count: Int { entries.withLock { $0.count } }
}
