import FluentKit
import Foundation
import Logging
import NIOCore
import Synchronization

extension DatabaseStack {
    /// Measures how long a query arriving now waits for a pooled connection, until the task is
    /// cancelled: every `interval`, on each event loop, a no-op borrows a connection from that
    /// loop's pool and gives it back at once; once a second the waits seen are logged ("database
    /// pool wait": probes, median, p95, max in ms) at `info`. AsyncKit's pool has no hook for its
    /// requests' own waits, so this samples the queue they join, on the same loops, in their order
    /// (FIFO); the measured time includes the hop onto the loop that every query makes too.
    public func probePoolWaits(every interval: Duration, logger: Logger) async {
        let waits = ProbeWaits()
        await withTaskGroup(of: Void.self) { group in
            for db in onLoop.values.map(\.db) {
                group.addTask {
                    while !Task.isCancelled {
                        let start = ContinuousClock.now
                        let borrowed: EventLoopFuture<Void> = db.withConnection { $0.eventLoop.makeSucceededVoidFuture() }
                        _ = try? await borrowed.get()
                        waits.add((ContinuousClock.now - start) / .milliseconds(1))
                        try? await Task.sleep(for: interval)
                    }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    let second = waits.take().sorted()
                    guard !second.isEmpty else { continue }
                    func at(_ q: Double) -> String { String(format: "%.2f", second[min(second.count - 1, Int(q * Double(second.count)))]) }
                    logger.info("database pool wait", metadata: [
                        "probes": "\(second.count)", "p50Ms": "\(at(0.5))", "p95Ms": "\(at(0.95))", "maxMs": "\(at(1))",
                    ])
                }
            }
        }
    }
}

/// The probes' waits of the current second, in milliseconds.
private final class ProbeWaits: Sendable {
    private let waits = Mutex<[Double]>([])
    func add(_ ms: Double) { waits.withLock { $0.append(ms) } }
    func take() -> [Double] { waits.withLock { w in defer { w.removeAll(keepingCapacity: true) }; return w } }
}
