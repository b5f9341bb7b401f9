import Foundation

/// An ability on the logit scale of the item parameters, with its standard error: the posterior
/// standard deviation for EAP, 1/√information for maximum likelihood.
public struct AbilityEstimate: Sendable, Hashable, Codable {
    public let theta: Double
    public let se: Double

    public init(theta: Double, se: Double) {
        self.theta = theta
        self.se = se
    }
}

/// Ability estimation from dichotomous responses to 2PL items.
///
/// Every response is right or wrong. Choice and ordering items are scored all-or-nothing before they
/// arrive here; a constructed response scored on a rubric counts as correct at or above a cut that
/// the caller chooses (the rubric's `correctAt`), as `ScoredResponse.init(item:dimension:points:correctAt:)` does.
public enum AbilityEstimator {
    /// Expected a posteriori: the posterior mean over the quadrature points, and the posterior
    /// standard deviation as its standard error. Defined for any pattern, including none at all
    /// (then it is the prior's mean and SD) and all-correct or all-wrong.
    public static func eap(responses: [(item: TwoParameterItem, correct: Bool)], prior: Quadrature = .standard) -> AbilityEstimate {
        let n = prior.points.count
        var logPosterior = prior.weights.map { log($0) }
        for (item, correct) in responses {
            for k in 0..<n {
                let lp = item.logProbabilities(prior.points[k])
                logPosterior[k] += correct ? lp.correct : lp.wrong
            }
        }
        let top = logPosterior.max() ?? 0
        let posterior = logPosterior.map { exp($0 - top) }
        return posterior.withUnsafeBufferPointer { prior.moments(of: $0) }
    }

    /// Maximum likelihood by Newton–Raphson (for the 2PL the observed and expected information are
    /// equal, so this is also Fisher scoring), with steps of at most one logit.
    ///
    /// Returns nil when there is no finite estimate: no responses, or all correct, or all wrong — the
    /// likelihood then keeps rising towards ±∞; use `eap` for such patterns. A finite estimate
    /// beyond `bounds` is clamped to the nearer bound, with the standard error at that bound.
    public static func mle(
        responses: [(item: TwoParameterItem, correct: Bool)], bounds: ClosedRange<Double> = -6...6,
        tolerance: Double = 1e-8, maxIterations: Int = 100
    ) -> AbilityEstimate? {
        guard responses.contains(where: \.correct), responses.contains(where: { !$0.correct }) else { return nil }
        var theta = min(max(0, bounds.lowerBound), bounds.upperBound)
        for _ in 0..<maxIterations {
            var score = 0.0, information = 0.0
            for (item, correct) in responses {
                let p = item.probability(theta)
                score += item.a * ((correct ? 1 : 0) - p)
                information += item.a * item.a * p * (1 - p)
            }
            guard information > 0 else { break }
            let step = min(max(score / information, -1), 1)
            let next = min(max(theta + step, bounds.lowerBound), bounds.upperBound)
            let moved = abs(next - theta)
            theta = next
            if moved < tolerance { break }
        }
        let information = responses.reduce(0) { $0 + $1.item.information(theta) }
        return AbilityEstimate(theta: theta, se: 1 / information.squareRoot())
    }
}
