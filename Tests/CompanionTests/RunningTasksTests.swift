import Foundation
import Synchronization
import Testing
@testable import Companion

/// Alert deliveries run in the background; shutting down must stop them (a delivery waiting a
/// minute to retry) and wait for them, so that none touches the database after it closed.
@Suite struct RunningTasksTests {
    @Test func shuttingDownCancelsWaitingDeliveriesAndWaitsForThem() async throws {
        let tasks = RunningTasks()
        let finished = SharedCounter()
        // one that ends by itself, two that would wait a minute
        tasks.start { finished.add() }
        for _ in 0..<2 {
            tasks.start {
                try? await Task.sleep(for: .seconds(60))
                finished.add()
            }
        }
        for _ in 0..<3_000 where finished.value < 1 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(finished.value == 1)
        #expect(tasks.count == 2)

        let clock = ContinuousClock()
        let took = try await clock.measure { await tasks.cancelAndWait() }
        // well under the minute the deliveries would wait (a loaded parallel run can stall a task
        // for many seconds, so no tighter bound)
        #expect(took < .seconds(45))
        // both ran to their end (cancelled out of the wait) before cancelAndWait returned
        #expect(finished.value == 3)
        for _ in 0..<3_000 where tasks.count > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(tasks.count == 0)
    }
}

final class SharedCounter: Sendable {
    private let n = Mutex(0)
    func add() { n.withLock { $0 += 1 } }
    var value: Int { n.withLock { $0 } }
}
