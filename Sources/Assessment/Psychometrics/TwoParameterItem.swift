import Foundation
import QianxueCore

/// An item under the two-parameter logistic IRT model: discrimination `a` and difficulty `b`.
///
/// The model has no scaling constant (no D = 1.7): P(θ) = 1 / (1 + e^(−a(θ−b))), which is mirt's
/// slope–intercept form P = 1 / (1 + e^(−(aθ + d))) with d = −a·b. Items are scored right or wrong
/// before they reach the model: see `ScoredResponse` for how other item types are dichotomised.
public struct TwoParameterItem: Sendable, Hashable, Codable {
    public let a: Double
    public let b: Double

    public init(a: Double, b: Double) {
        self.a = a
        self.b = b
    }

    /// An item from the slope–intercept form that mirt reports (`a1`, `d`): b = −d/a.
    public init(slope: Double, intercept: Double) {
        self.init(a: slope, b: -intercept / slope)
    }

    /// The intercept d = −a·b of the slope–intercept form.
    public var intercept: Double { -a * b }

    /// The chance that a student of ability `theta` answers correctly: 1 / (1 + e^(−a(θ−b))).
    public func probability(_ theta: Double) -> Double {
        1 / (1 + exp(-a * (theta - b)))
    }

    /// Fisher information at `theta`: a²·P·(1−P); largest where θ = b.
    public func information(_ theta: Double) -> Double {
        let p = probability(theta)
        return a * a * p * (1 - p)
    }

    /// log P(correct) and log P(wrong) at `theta`, computed without overflow in the tails.
    func logProbabilities(_ theta: Double) -> (correct: Double, wrong: Double) {
        let z = a * (theta - b)
        // log σ(z) = −log(1 + e^(−z)); log σ(−z) = log σ(z) − z.
        let logCorrect = z > 0 ? -log1p(exp(-z)) : z - log1p(exp(z))
        return (logCorrect, logCorrect - z)
    }
}

/// One dichotomously scored answer to a calibrated item, with the dimension the item measures.
///
/// IRT here sees only right or wrong. Single-choice, multiple-choice and ordering items are scored
/// all-or-nothing by their key; a constructed response scored on a rubric is dichotomised by a cut
/// the caller gives (the rubric's `correctAt`): correct at or above it.
public struct ScoredResponse: Sendable, Hashable, Codable {
    public let item: TwoParameterItem
    public let dimension: Competency.Dimension
    public let correct: Bool

    public init(item: TwoParameterItem, dimension: Competency.Dimension, correct: Bool) {
        self.item = item
        self.dimension = dimension
        self.correct = correct
    }

    /// A rubric-scored answer: correct when `points` ≥ `correctAt`.
    public init(item: TwoParameterItem, dimension: Competency.Dimension, points: Int, correctAt: Int) {
        self.init(item: item, dimension: dimension, correct: points >= correctAt)
    }
}
