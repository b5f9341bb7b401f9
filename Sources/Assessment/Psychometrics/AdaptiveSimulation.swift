import Foundation
import QianxueCore

/// Adaptive tests given to simulated examinees of known ability, who answer according to the 2PL:
/// to check a pool and a configuration (precision, length, exposure) before students see them, and
/// to estimate Sympson–Hetter exposure parameters.
public struct AdaptiveSimulation: Sendable {
    public let pool: ItemPool
    public let configuration: AdaptiveTest.Configuration

    public init(pool: ItemPool, configuration: AdaptiveTest.Configuration = .standard) {
        self.pool = pool
        self.configuration = configuration
    }

    /// What happened to one band's simulees.
    public struct Report: Sendable {
        public let band: GradeBand
        /// True abilities, estimates, test lengths and stop reasons, one per simulee.
        public let abilities: [Double]
        public let estimates: [AbilityEstimate]
        public let lengths: [Int]
        public let stopReasons: [AdaptiveTest.StopReason]
        /// How many simulees saw each item that anyone saw.
        public let administrations: [String: Int]
        public let targetSE: Double

        /// Pearson correlation of estimates with true abilities.
        public var correlation: Double {
            let thetas = estimates.map(\.theta), n = Double(thetas.count)
            let mx = abilities.reduce(0, +) / n, my = thetas.reduce(0, +) / n
            var sxy = 0.0, sxx = 0.0, syy = 0.0
            for (x, y) in zip(abilities, thetas) {
                sxy += (x - mx) * (y - my)
                sxx += (x - mx) * (x - mx)
                syy += (y - my) * (y - my)
            }
            return sxy / (sxx * syy).squareRoot()
        }

        /// Root mean square error of the estimates.
        public var rmse: Double {
            (zip(abilities, estimates).reduce(0) { $0 + pow($1.1.theta - $1.0, 2) } / Double(abilities.count)).squareRoot()
        }

        public var meanLength: Double { Double(lengths.reduce(0, +)) / Double(lengths.count) }

        /// The share of simulees whose final standard error reached the target.
        public var fractionReachingTarget: Double {
            Double(estimates.filter { $0.se <= targetSE }.count) / Double(estimates.count)
        }

        /// The share of simulees who saw each item.
        public var exposureRates: [String: Double] {
            administrations.mapValues { Double($0) / Double(abilities.count) }
        }

        public var maxExposureRate: Double { exposureRates.values.max() ?? 0 }
    }

    /// Runs one test per ability for students of `band`. The simulees answer by the pool's own
    /// parameters, or by `truth`'s when given (the test then runs on estimates of the true ones,
    /// as a calibrated bank does).
    public func run(band: GradeBand, abilities: [Double], answeringBy truth: ItemPool? = nil,
                    using generator: inout some RandomNumberGenerator) -> Report {
        var estimates = [AbilityEstimate](), lengths = [Int](), reasons = [AdaptiveTest.StopReason]()
        var administrations = [String: Int]()
        for theta in abilities {
            var test = AdaptiveTest(band: band, configuration: configuration, pool: pool)
            while let id = test.next(from: pool, using: &generator) {
                let p = (truth ?? pool).item(id: id)!.parameters.probability(theta)
                // The item was chosen from this pool just above, so recording it cannot fail.
                try! test.record(id, correct: Double.random(in: 0..<1, using: &generator) < p, pool: pool)
                administrations[id, default: 0] += 1
            }
            estimates.append(test.estimate)
            lengths.append(test.responses.count)
            reasons.append(test.stopReason ?? .poolExhausted)
        }
        return Report(band: band, abilities: abilities, estimates: estimates, lengths: lengths, stopReasons: reasons,
                      administrations: administrations, targetSE: configuration.targetSE)
    }

    /// The pool with Sympson–Hetter exposure parameters estimated so that no item is given to more
    /// than `maxRate` of any band's simulees (the iterative procedure of Sympson and Hetter, 1985).
    ///
    /// Each round simulates every band with Sympson–Hetter on; an item's selection rate is its
    /// administration rate over its current parameter, and its new parameter is `maxRate` over the
    /// highest selection rate across bands (capped at 1). A handful of rounds usually settles it.
    public func withExposureParameters(abilities: [GradeBand: [Double]], maxRate: Double = 0.4, rounds: Int = 6,
                                       using generator: inout some RandomNumberGenerator) -> ItemPool {
        var configuration = configuration
        configuration.exposure.sympsonHetter = true
        var current = pool
        for _ in 0..<rounds {
            let simulation = AdaptiveSimulation(pool: current, configuration: configuration)
            var selection = [String: Double]()
            for band in GradeBand.allCases {
                guard let thetas = abilities[band], !thetas.isEmpty else { continue }
                let report = simulation.run(band: band, abilities: thetas, using: &generator)
                for (id, rate) in report.exposureRates {
                    let k = current.item(id: id)!.exposureParameter
                    selection[id] = max(selection[id] ?? 0, rate / max(k, 1e-6))
                }
            }
            current = current.withExposureParameters(Dictionary(uniqueKeysWithValues: current.items.map { item in
                let s = selection[item.id] ?? 0
                return (item.id, s > maxRate ? maxRate / s : 1)
            }))
        }
        return current
    }
}

/// The platform's one seeded generator (SplitMix64, `QianxueCore.SeededRandom`), by the name the
/// simulations use.
public typealias SplitMix64 = SeededRandom

extension SeededRandom {
    /// A standard normal deviate (Box–Muller).
    public mutating func nextNormal() -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self), v = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
