import Foundation
import Synchronization

/// The students whose turn is under way on this instance: from just before the model is asked
/// until the reply is stored. The scheduler's slot is given back when the model ends, before the
/// reply and its ledger entry are written; a message accepted in that gap would take the place in
/// the conversation that belongs to the reply (and, on PostgreSQL, could collide with its sequence
/// number). So a student's next message waits for this, not for the slot.
final class TurnsUnderWay: Sendable {
    private let students = Mutex<Set<UUID>>([])

    /// Marks a turn of the student under way; false when one already is.
    func begin(_ student: UUID) -> Bool {
        students.withLock { $0.insert(student).inserted }
    }

    /// The turn's reply is stored (or the turn never started).
    func end(_ student: UUID) {
        _ = students.withLock { $0.remove(student) }
    }
}
