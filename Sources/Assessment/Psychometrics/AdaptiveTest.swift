import Foundation
import QianxueCore

/// One student's computerised adaptive test, kept by the service between requests (it is
/// `Codable`, so it can be stored as it stands).
///
/// The test starts at the band's mean, asks for one item at a time (`next`), folds each answer into
/// an EAP posterior on the pool's quadrature (`record`), and stops when the standard error reaches the
/// target, at the item limit, or when the pool has nothing left for the band. Answers are right or
/// wrong; see `ScoredResponse` for how a rubric score is dichotomised before it is recorded.
public struct AdaptiveTest: Sendable, Hashable, Codable {
    /// One answered item.
    public struct Response: Sendable, Hashable, Codable {
        public let itemID: String
        public let dimension: Competency.Dimension
        public let correct: Bool
    }

    /// Why a test ended.
    public enum StopReason: String, Sendable, Hashable, Codable {
        /// The standard error reached `targetSE` (after at least `minItems`).
        case precisionReached
        /// `maxItems` were answered.
        case maxItems
        /// No item the band may see was left.
        case poolExhausted
    }

    public let band: GradeBand
    public let configuration: Configuration
    /// The answers so far, in order.
    public private(set) var responses: [Response] = []
    /// The item `next` chose and the student has not answered yet; `next` returns it again until it
    /// is recorded, so a reloaded page shows the same question.
    public internal(set) var pending: String?
    /// The current EAP ability and its posterior standard deviation.
    public private(set) var estimate: AbilityEstimate
    /// The posterior over the pool's quadrature points, normalised.
    var posterior: [Double]
    /// Items that lost the Sympson–Hetter lottery; they are not offered again in this test.
    var setAside: [String] = []
    var exhausted = false

    /// A fresh test for a student of `band`, on `pool`'s quadrature.
    public init(band: GradeBand, configuration: Configuration = .standard, pool: ItemPool) {
        self.band = band
        self.configuration = configuration
        let prior = configuration.prior(for: band).quadrature(on: pool.quadrature)
        self.posterior = prior.weights
        self.estimate = posterior.withUnsafeBufferPointer { prior.moments(of: $0) }
    }

    /// Why the test is over, or nil while it goes on.
    public var stopReason: StopReason? {
        if responses.count >= configuration.maxItems { return .maxItems }
        if responses.count >= configuration.minItems && estimate.se <= configuration.targetSE { return .precisionReached }
        return exhausted ? .poolExhausted : nil
    }

    public var isFinished: Bool { stopReason != nil }

    /// Records the student's answer to the pending item and updates the ability: the posterior is
    /// multiplied by the item's curve (or its complement) at each point and renormalised.
    public mutating func record(_ itemID: String, correct: Bool, pool: ItemPool) throws {
        guard pending == itemID else { throw AdaptiveTestError.notPending(itemID) }
        guard let i = pool.index[itemID] else { throw AdaptiveTestError.unknownItem(itemID) }
        guard posterior.count == pool.nodeCount else { throw AdaptiveTestError.quadratureMismatch }
        let n = pool.nodeCount
        pool.correctAtNodes.withUnsafeBufferPointer { p in
            posterior.withUnsafeMutableBufferPointer { post in
                var total = 0.0
                for k in 0..<n {
                    post[k] *= correct ? p[i * n + k] : 1 - p[i * n + k]
                    total += post[k]
                }
                for k in 0..<n { post[k] /= total }
                estimate = pool.quadrature.moments(of: UnsafeBufferPointer(post))
            }
        }
        responses.append(Response(itemID: itemID, dimension: pool.items[i].dimension, correct: correct))
        pending = nil
    }
}

/// Why an answer cannot be recorded.
public enum AdaptiveTestError: Error, Equatable, Sendable {
    /// The item is not the one `next` chose (or nothing is pending).
    case notPending(String)
    /// The pool has no item with this id.
    case unknownItem(String)
    /// The test was started on a pool with a different quadrature.
    case quadratureMismatch
}
