import Foundation
import SQLKit

extension SQLQueryFetcher {
    /// Folds the query's rows into `initial` one at a time as the driver hands them over, so that a
    /// rebuild of the rollups reads a whole table without holding all of it; the first error thrown
    /// by `next` is thrown once the query has ended, and no row after it is folded.
    public func fold<State>(into initial: State, _ next: @escaping @Sendable (inout State, any SQLRow) throws -> Void) async throws -> State {
        let box = FoldState(initial)
        try await run { row in box.take(row, next) }
        return try box.result()
    }
}

/// The state of a fold between rows: the driver calls back one row at a time, never two at once,
/// but from its own thread, hence the lock.
private final class FoldState<State>: @unchecked Sendable {
    private let lock = NSLock()
    private var state: State
    private var failure: (any Error)?

    init(_ initial: State) { state = initial }

    func take(_ row: any SQLRow, _ next: (inout State, any SQLRow) throws -> Void) {
        lock.lock()
        defer { lock.unlock() }
        guard failure == nil else { return }
        do {
            try next(&state, row)
        } catch {
            failure = error
        }
    }

    func result() throws -> State {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
        return state
    }
}
