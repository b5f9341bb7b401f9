import Foundation
import Logging
import OpenAPIRuntime
import Persistence
import QianxueCore
import Synchronization

/// Remembers that the database is out of reach, so that while it is every request that needs it
/// answers 503 with Retry-After at once, instead of each one queueing on the connection pool for
/// its timeout; a probe asks the database every quarter second and opens the gate when it answers.
/// Nothing needs restarting when PostgreSQL comes back: the pool opens new connections on demand.
final class DatabaseGate: Sendable {
    private let database: DatabaseStack
    private let probeInterval: Duration
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var down = false
        var since: ContinuousClock.Instant?
    }

    /// Routes that answer without the database (`/ready` reports the outage itself).
    static let withoutDatabase: Set<String> = ["/health", "/ready", "/metrics", "/openapi.yaml", "/docs"]

    init(database: DatabaseStack, logger: Logger, probeInterval: Duration = .milliseconds(250)) {
        self.database = database
        self.logger = logger
        self.probeInterval = probeInterval
    }

    var isDown: Bool { state.withLock { $0.down } }

    /// Refuses a request that needs the database while it is out of reach.
    func check(path: String) throws {
        guard isDown, !Self.withoutDatabase.contains(path) else { return }
        throw AppError(.databaseUnavailable, "the database cannot be reached just now; retry shortly", retryAfter: 2)
    }

    /// Looks at a request's error; one that says the connection to the database is lost closes the
    /// gate (a pool busy past its timeout does not: that is load, answered 503 one request at a time).
    func observe(_ error: any Error) {
        guard DatabaseOutage.isConnectionLost(error) || DatabaseOutage.isConnectionLost(Self.underlying(error)) else { return }
        let opened = state.withLock { s -> Bool in
            if s.down { return false }
            s.down = true
            s.since = .now
            return true
        }
        guard opened else { return }
        logger.error("the database cannot be reached: answering 503 until it can", metadata: ["error": .string(GatewayPipeline.loggable(error))])
        Task.detached { await self.probe() }
    }

    private func probe() async {
        while true {
            try? await Task.sleep(for: probeInterval)
            if await database.ping() { break }
        }
        let since = state.withLock { s -> ContinuousClock.Instant? in
            s.down = false
            defer { s.since = nil }
            return s.since
        }
        logger.notice("the database answers again", metadata: ["down_for": .string(since.map { "\(ContinuousClock.now - $0)" } ?? "?")])
    }

    /// The error inside a generated server's wrapper.
    static func underlying(_ error: any Error) -> any Error {
        (error as? ServerError)?.underlyingError ?? error
    }
}
