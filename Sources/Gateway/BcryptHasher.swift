import HummingbirdBcrypt
import NIOCore
import NIOPosix
import QianxueCore
import Synchronization

/// bcrypt (cost 12 by default) off the event loops, on a thread pool of its own so that a burst
/// of sign-ins never holds up the database's threads.
///
/// The pool's queue is bounded: a verification costs about a quarter of a core-second, so a surge
/// of sign-ins (a whole school at the bell) would otherwise queue without end — every sign-in
/// slower than its client's patience, the CPU owed to a backlog long after the surge. Past
/// `maxPending` checks queued or running, a sign-in is refused at once with 503 and Retry-After.
public struct BcryptHasher: PasswordHasher {
    public let cost: UInt8
    /// Password checks queued or running beyond which new ones are refused.
    public let maxPending: Int
    private static let threads = max(1, System.coreCount)
    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        return pool
    }()
    private static let pending = Atomic<Int>(0)

    /// `maxPending` defaults to eight checks per thread: about two seconds of waiting at cost 12.
    public init(cost: UInt8 = 12, maxPending: Int? = nil) {
        self.cost = cost
        self.maxPending = maxPending ?? 8 * Self.threads
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await admitted { try await Self.pool.runIfActive { Bcrypt.hash(password, cost: cost) } }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await admitted { try await Self.pool.runIfActive { Bcrypt.verify(password, hash: hash) } }
    }

    private func admitted<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        let n = Self.pending.wrappingAdd(1, ordering: .relaxed).newValue
        defer { Self.pending.wrappingSubtract(1, ordering: .relaxed) }
        guard n <= maxPending else {
            // About the time the queue ahead takes to drain at four checks per thread-second.
            let seconds = max(1, (n + 4 * Self.threads - 1) / (4 * Self.threads))
            throw AppError(.overloaded, "too many sign-ins are being checked at once; try again shortly", retryAfter: seconds)
        }
        return try await work()
    }
}
