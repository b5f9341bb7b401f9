import FluentKit
import Foundation
import Logging
import Persistence
import Synchronization
import Testing
import TestSupport

@Suite struct PoolWaitProbeTests {
    /// Log lines kept in memory.
    final class Lines: Sendable {
        let all = Mutex<[(message: String, metadata: Logger.Metadata)]>([])
    }

    struct Capture: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            lines.all.withLock { $0.append((event.message.description, event.metadata ?? [:])) }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aProbeWaitsAsLongAsThePoolIsBusy(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine, migrations: MigrationList(PersistenceMigrations.all), key: "persistence") { db in
            // given the probe running every 20 ms
            let lines = Lines()
            let logger = Logger(label: "probe") { _ in Capture(lines: lines) }
            let probe = Task { await db.probePoolWaits(every: .milliseconds(20), logger: logger) }

            // when every connection of the pool is held for 100 ms by 16 holders (more than the connections: they queue too)
            try await Task.sleep(for: .milliseconds(50))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask { try await db.db.withConnection { _ in try await Task.sleep(for: .milliseconds(100)) } }
                }
                try await group.waitForAll()
            }
            try await Task.sleep(for: .milliseconds(1_100))
            probe.cancel()
            await probe.value

            // then a second's line reports a wait of most of a hold
            let waits = lines.all.withLock { $0 }.filter { $0.message == "database pool wait" }
            #expect(!waits.isEmpty)
            let largest = waits.compactMap { $0.metadata["maxMs"].flatMap { Double("\($0)") } }.max() ?? 0
            #expect(largest >= 80, "largest wait \(largest) ms")
            #expect(waits.allSatisfy { ($0.metadata["probes"].flatMap { Int("\($0)") } ?? 0) > 0 })
        }
    }
}
