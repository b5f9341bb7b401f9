import QianxueCore

/// A student's AI-literacy result: the overall ability with its standard error and level, and per
/// dimension an EAP on that dimension's items alone, with its own standard error and level.
public struct LiteracyProfile: Sendable, Hashable, Codable {
    /// The result on one dimension.
    public struct DimensionResult: Sendable, Hashable, Codable {
        public let dimension: Competency.Dimension
        public let estimate: AbilityEstimate
        public let itemCount: Int
        /// The standard error is above the profile's threshold (0.5): report the level as an
        /// indication, not a finding. Always true for a dimension with no items.
        public let indicative: Bool
        /// The level the estimate falls in; nil when no item of the dimension was answered (the
        /// estimate is then only the prior).
        public let level: Competency.Level?
    }

    public let overall: AbilityEstimate
    public let level: Competency.Level
    public let itemCount: Int
    /// The four dimensions, in the framework's order.
    public let dimensions: [DimensionResult]

    /// Scores `responses` by EAP with `prior` (the band's, on the quadrature the items are integrated
    /// over), and maps each estimate to a level by `cutScores`.
    public init(responses: [ScoredResponse], prior: Quadrature = .standard, cutScores: CutScores = .provisional,
                indicativeAbove: Double = 0.5) {
        self.overall = AbilityEstimator.eap(responses: responses.map { ($0.item, $0.correct) }, prior: prior)
        self.level = cutScores.level(for: overall.theta)
        self.itemCount = responses.count
        self.dimensions = Competency.Dimension.allCases.map { dimension in
            let own = responses.filter { $0.dimension == dimension }
            let estimate = AbilityEstimator.eap(responses: own.map { ($0.item, $0.correct) }, prior: prior)
            return DimensionResult(
                dimension: dimension, estimate: estimate, itemCount: own.count,
                indicative: own.isEmpty || estimate.se > indicativeAbove,
                level: own.isEmpty ? nil : cutScores.level(for: estimate.theta, in: dimension))
        }
    }

    /// The result on `dimension`.
    public func result(_ dimension: Competency.Dimension) -> DimensionResult {
        dimensions.first { $0.dimension == dimension }!
    }
}

extension AdaptiveTest {
    /// The literacy profile of the answers so far, scored with the pool's current parameters and the
    /// band's prior: overall, and per dimension on that dimension's items.
    public func profile(pool: ItemPool, cutScores: CutScores = .provisional) throws -> LiteracyProfile {
        let scored = try responses.map { r in
            guard let item = pool.item(id: r.itemID) else { throw AdaptiveTestError.unknownItem(r.itemID) }
            return ScoredResponse(item: item.parameters, dimension: item.dimension, correct: r.correct)
        }
        let prior = configuration.prior(for: band).quadrature(on: pool.quadrature)
        return LiteracyProfile(responses: scored, prior: prior, cutScores: cutScores)
    }
}
