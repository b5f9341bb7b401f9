import Foundation

/// Runs a long synchronous computation on a thread of its own and waits for it without holding a
/// thread of Swift's cooperative pool.
///
/// The pool has one thread per core, two on the CI machine, and a synchronous test body keeps its
/// thread until it returns. Simulations and calibrations that compute for tens of seconds in a
/// debug build held both threads in `ops/test`'s parallel phase, and every other test's tasks —
/// a batch write, a poll, a server's handler — waited past their deadlines. A thread of its own
/// leaves the pool free; the operating system shares the cores between them.
public func offThePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.name = "test-computation"
        thread.stackSize = 8 << 20
        thread.start()
    }
}
