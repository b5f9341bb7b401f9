import Foundation
import Hummingbird
import HummingbirdTesting

/// Threads of their own for the live servers that tests start (and for the test bodies that talk to
/// them), so that they answer while the rest of the suite keeps Swift's cooperative pool busy.
/// Eight, not two: some live tests' bodies compute too (attack corpora, many requests in a row),
/// and a job runs to its next suspension on the thread it got; with more threads than cores the
/// operating system preempts such a job, so the other servers' jobs still find a free thread.
///
/// The cooperative pool has one thread per core: two on the CI machine. In the parallel phase of
/// `ops/test`, synchronous tests that compute for many seconds (adaptive-test simulations,
/// calibration, lint of the whole curriculum; tens of seconds each in a debug build) may hold both
/// threads at once. A live server's connection and handler tasks then wait for a thread: requests
/// went unanswered past the test client's read timeout (IdempotentWriteTests, HotReadsTests). Tasks
/// that prefer this executor run on its threads instead; the operating system shares the cores
/// between them and the pool, so nothing waits for another test to finish.
public final class LiveServerExecutor: TaskExecutor, @unchecked Sendable {
    public static let shared = LiveServerExecutor(threads: 8)

    private let condition = NSCondition()
    private var queue: [UnownedJob] = []
    private var head = 0

    init(threads: Int) {
        for i in 0..<threads {
            let thread = Thread { [self] in run() }
            thread.name = "live-server-\(i)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while head == queue.count { condition.wait() }
            let job = queue[head]
            head += 1
            if head == queue.count { queue.removeAll(keepingCapacity: true); head = 0 }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

extension ApplicationProtocol {
    /// `test(.live, body)` with the server, its connections and the body on `LiveServerExecutor`.
    public func testLive<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await withTaskExecutorPreference(LiveServerExecutor.shared) {
            try await test(.live, body)
        }
    }
}
