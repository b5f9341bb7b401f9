import HummingbirdBcrypt
import QianxueCore

/// Real bcrypt at the lowest cost, so that tests creating many users stay fast.
public struct TestHasher: PasswordHasher {
    public init() {}
    public func hash(_ password: String) async throws -> String { Bcrypt.hash(password, cost: 4) }
    public func verify(_ password: String, hash: String) async throws -> Bool { Bcrypt.verify(password, hash: hash) }
}
