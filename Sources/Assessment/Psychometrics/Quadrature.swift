import Foundation

/// Equally spaced quadrature points with prior weights, over which abilities are integrated: by
/// default mirt's 61 points on [−6, 6] weighted by the standard normal density.
///
/// The weights are the normal density at each point, normalised to sum to 1 — the discrete prior
/// that mirt uses for estimation and EAP scoring.
public struct Quadrature: Sendable, Hashable, Codable {
    /// Ability values, ascending.
    public let points: [Double]
    /// Prior probability of each point; they sum to 1.
    public let weights: [Double]

    /// `count` equally spaced points across `range`, weighted by the normal density N(mean, sd²).
    public init(count: Int = 61, range: ClosedRange<Double> = -6...6, mean: Double = 0, standardDeviation: Double = 1) {
        precondition(count >= 2, "a quadrature needs at least two points")
        let step = (range.upperBound - range.lowerBound) / Double(count - 1)
        let points = (0..<count).map { range.lowerBound + Double($0) * step }
        self.init(points: points, mean: mean, standardDeviation: standardDeviation)
    }

    /// The given points weighted by the normal density N(mean, sd²).
    public init(points: [Double], mean: Double, standardDeviation: Double) {
        precondition(standardDeviation > 0, "a prior needs a positive standard deviation")
        let density = points.map { p -> Double in
            let z = (p - mean) / standardDeviation
            return exp(-0.5 * z * z)
        }
        self.init(points: points, weights: density)
    }

    /// The given points with the given weights, normalised to sum to 1.
    public init(points: [Double], weights: [Double]) {
        precondition(points.count == weights.count && !points.isEmpty, "one weight per point")
        let total = weights.reduce(0, +)
        precondition(total > 0, "weights must not all be zero")
        self.points = points
        self.weights = weights.map { $0 / total }
    }

    /// 61 points on [−6, 6] with the N(0, 1) prior: mirt's default for one factor.
    public static let standard = Quadrature()

    /// The same points with a normal prior N(mean, sd²): a band's prior on the shared grid.
    public func prior(mean: Double, standardDeviation: Double) -> Quadrature {
        Quadrature(points: points, mean: mean, standardDeviation: standardDeviation)
    }

    /// The posterior mean and standard deviation of a distribution over the points.
    func moments(of posterior: UnsafeBufferPointer<Double>) -> AbilityEstimate {
        var total = 0.0, mean = 0.0
        for k in 0..<points.count {
            total += posterior[k]
            mean += posterior[k] * points[k]
        }
        mean /= total
        var variance = 0.0
        for k in 0..<points.count {
            let d = points[k] - mean
            variance += posterior[k] * d * d
        }
        return AbilityEstimate(theta: mean, se: (variance / total).squareRoot())
    }
}
