import HummingbirdBcrypt
import NIOCore
import NIOPosix
import QianxueCore

/// bcrypt (cost 12 by default) off the event loops, on a thread pool of its own so that a burst
/// of sign-ins never holds up the database's threads.
public struct BcryptHasher: PasswordHasher {
    public let cost: UInt8
    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, System.coreCount))
        pool.start()
        return pool
    }()

    public init(cost: UInt8 = 12) { self.cost = cost }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await Self.pool.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await Self.pool.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
