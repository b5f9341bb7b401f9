import Foundation

extension AccountService {
    /// Forgets a user's cached tokens on this instance once their tokens are gone from the database
    /// (a student's erasure); other gateway instances stop trusting them within the cache's lifetime.
    public func forgetTokens(of userID: UUID) {
        cache.forget(userID: userID)
    }
}
