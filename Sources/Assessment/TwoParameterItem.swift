import Foundation

/// An item under the two-parameter logistic IRT model: discrimination `a` and difficulty `b`.
public struct TwoParameterItem: Sendable, Hashable {
    public let a: Double
    public let b: Double

    public init(a: Double, b: Double) {
        self.a = a
        self.b = b
    }

    /// The chance that a student of ability `theta` answers correctly: 1 / (1 + e^(−a(θ−b))).
    public func probability(_ theta: Double) -> Double {
        1 / (1 + exp(-a * (theta - b)))
    }

    /// Fisher information at `theta`: a²·P·(1−P); largest where θ = b.
    public func information(_ theta: Double) -> Double {
        let p = probability(theta)
        return a * a * p * (1 - p)
    }
}
