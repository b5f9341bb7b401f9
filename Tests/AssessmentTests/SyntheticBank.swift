import Assessment
import Foundation
import QianxueCore

/// Simulated items and examinees for the psychometric tests, all drawn from seeded generators so
/// that every run sees the same numbers.
enum SyntheticBank {
    /// A 1,000-item pool shaped like a real literacy bank: the four dimensions in turn, difficulties
    /// spread evenly over [−3.5, 4], slopes log-normal around 1 (0.4…2.2), each item suiting the
    /// bands whose provisional mean lies within 2 logits of its difficulty (about 530 per band).
    static let pool: ItemPool = makePool(count: 1_000, seed: 2026)

    static func makePool(count: Int, seed: UInt64) -> ItemPool {
        var rng = SplitMix64(seed: seed)
        let means = BandPrior.provisional
        let items = (0..<count).map { i -> PoolItem in
            let b = -3.5 + 7.5 * Double.random(in: 0..<1, using: &rng)
            let a = min(max(exp(0.3 * rng.nextNormal()), 0.4), 2.2)
            let bands = Set(GradeBand.allCases.filter { abs(means[$0]!.mean - b) <= 2 })
            return PoolItem(id: "syn-\(i)", parameters: TwoParameterItem(a: a, b: b),
                            dimension: Competency.Dimension.allCases[i % 4], bands: bands)
        }
        return try! ItemPool(items: items)
    }

    /// `count` true abilities for students of `band`: N(band mean, 1).
    static func abilities(_ band: GradeBand, count: Int, rng: inout SplitMix64) -> [Double] {
        let mean = BandPrior.provisional[band]!.mean
        return (0..<count).map { _ in mean + rng.nextNormal() }
    }

    /// Items for calibration studies: slopes log-normal around 1, difficulties uniform on [−2.5, 2.5].
    static func calibrationItems(count: Int, rng: inout SplitMix64) -> [TwoParameterItem] {
        (0..<count).map { _ in
            TwoParameterItem(a: min(max(exp(0.3 * rng.nextNormal()), 0.4), 2.5), b: -2.5 + 5 * Double.random(in: 0..<1, using: &rng))
        }
    }

    /// Responses of `examinees` N(0, 1) simulees to `items`, each item left unseen with chance
    /// `missing`; `curve` overrides the chance of success for particular item indices.
    static func responses(to items: [TwoParameterItem], examinees: Int, missing: Double = 0,
                          curve: [Int: @Sendable (Double) -> Double] = [:], rng: inout SplitMix64) -> [[Bool?]] {
        (0..<examinees).map { _ in
            let theta = rng.nextNormal()
            return items.enumerated().map { j, item -> Bool? in
                if missing > 0 && Double.random(in: 0..<1, using: &rng) < missing { return nil }
                let p = curve[j]?(theta) ?? item.probability(theta)
                return Double.random(in: 0..<1, using: &rng) < p
            }
        }
    }

    /// Root mean square difference.
    static func rmse(_ x: [Double], _ y: [Double]) -> Double {
        (zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(x.count)).squareRoot()
    }
}
