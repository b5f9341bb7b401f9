import Foundation
import Persistence
import Synchronization

/// The items in force, shared by every request of a process and replaced whole when a calibration
/// has added parameters since they were built.
final class LiveItems: Sendable {
    private struct State {
        var items: AssessmentItems
        /// Rows of the parameter history the items were built with, and when that was last checked.
        var historyRows: Int?
        var checkedAt: Date?
    }

    private let state: Mutex<State>

    init(_ items: AssessmentItems) {
        state = Mutex(State(items: items))
    }

    var items: AssessmentItems { state.withLock { $0.items } }

    /// Whether the history should be looked at again: never looked at, or not for `interval`.
    func due(at now: Date, interval: TimeInterval) -> Bool {
        state.withLock { s in s.checkedAt.map { now.timeIntervalSince($0) >= interval } ?? true }
    }

    /// Records a look at the history; true when it changed since the last look, or at the first look
    /// (the items may predate a calibration run since they were built).
    func checked(rows: Int, at now: Date) -> Bool {
        state.withLock { s in
            defer { s.checkedAt = now; s.historyRows = rows }
            return s.historyRows.map { rows != $0 } ?? true
        }
    }

    func replace(_ items: AssessmentItems) {
        state.withLock { $0.items = items }
    }
}

extension AssessmentService {
    /// Takes in parameters a calibration appended since the items were built — from the command
    /// line, or another gateway — looking at the history at most once per `interval`. Attempts
    /// already running go on with the new parameters from their next item.
    public func refreshParameters(interval: TimeInterval = 60) async throws {
        let at = now()
        guard live.due(at: at, interval: interval) else { return }
        let rows = try await ItemParametersModel.query(on: database.db).count()
        guard live.checked(rows: rows, at: at) else { return }
        let current = live.items
        live.replace(try AssessmentItems(bank: current.bank, forms: current.forms, calibrated: try await ItemParameterHistory.latest(on: database)))
        logger.info("took in the newest calibrated item parameters (\(rows) rows in the history)")
    }
}
