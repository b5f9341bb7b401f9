import Assessment
import Foundation
import QianxueCore
import Testing

/// The adaptive test on the synthetic 1,000-item pool with 2,000 simulees of known ability per band.
@Suite struct AdaptiveSimulationTests {
    @Test(arguments: GradeBand.allCases)
    func adaptiveTestsMeasureEachBandPreciselyWithoutOverexposingItems(band: GradeBand) {
        // given 2,000 students of the band with abilities N(band mean, 1)
        var rng = SplitMix64(seed: 100 + UInt64(GradeBand.allCases.firstIndex(of: band)!))
        let abilities = SyntheticBank.abilities(band, count: 2_000, rng: &rng)

        // when each sits an adaptive test with the standard configuration
        let report = AdaptiveSimulation(pool: SyntheticBank.pool).run(band: band, abilities: abilities, using: &rng)

        // then estimates track true abilities, most reach SE ≤ 0.35 within 25 items, and no item
        // is shown to more than 40% of the band
        #expect(report.correlation >= 0.9, "r = \(report.correlation)")
        #expect(report.fractionReachingTarget >= 0.8, "reached \(report.fractionReachingTarget)")
        #expect(report.lengths.allSatisfy { $0 <= 25 })
        #expect(report.meanLength < 20, "mean length \(report.meanLength)")
        #expect(report.maxExposureRate <= 0.4, "max exposure \(report.maxExposureRate)")
    }

    @Test func sympsonHetterParametersCapExposureThatPureSelectionExceeds() {
        // given the junior band tested with no randomisation (always the most informative item),
        // which shows the best few items to most students
        var rng = SplitMix64(seed: 200)
        let greedy = AdaptiveTest.Configuration(exposure: .init(randomesque: 1))
        let abilities = SyntheticBank.abilities(.junior, count: 800, rng: &rng)
        let unrestricted = AdaptiveSimulation(pool: SyntheticBank.pool, configuration: greedy)
            .run(band: .junior, abilities: abilities, using: &rng)

        // when Sympson–Hetter parameters are estimated for a 30% ceiling and the test is run with them
        let restricted = AdaptiveSimulation(pool: SyntheticBank.pool, configuration: greedy)
            .withExposureParameters(abilities: [.junior: abilities], maxRate: 0.3, rounds: 5, using: &rng)
        var withLottery = greedy
        withLottery.exposure.sympsonHetter = true
        let report = AdaptiveSimulation(pool: restricted, configuration: withLottery)
            .run(band: .junior, abilities: SyntheticBank.abilities(.junior, count: 800, rng: &rng), using: &rng)

        // then the most exposed item falls from most students to near the ceiling, at little cost
        #expect(unrestricted.maxExposureRate > 0.6, "unrestricted \(unrestricted.maxExposureRate)")
        #expect(report.maxExposureRate <= 0.36, "restricted \(report.maxExposureRate)")
        #expect(restricted.items.contains { $0.exposureParameter < 1 })
        #expect(report.fractionReachingTarget >= 0.8 && report.correlation >= 0.9)
    }

    @Test func selectionPlusUpdateTakesUnderFiftyMicroseconds() throws {
        // given the 1,000-item pool and tests in progress
        var rng = SplitMix64(seed: 300)
        let pool = SyntheticBank.pool
        let thetas = SyntheticBank.abilities(.senior, count: 400, rng: &rng)
        let answers = thetas.map { _ in (0..<25).map { _ in Double.random(in: 0..<1, using: &rng) } }

        // when next-item selection and the ability update are timed over whole tests, in batches
        var best = Double.infinity
        for _ in 0..<5 {
            var steps = 0
            let clock = ContinuousClock(), start = clock.now
            for (theta, draws) in zip(thetas, answers) {
                var test = AdaptiveTest(band: .senior, pool: pool)
                while let id = test.next(from: pool, using: &rng) {
                    try test.record(id, correct: draws[steps % 25] < pool.item(id: id)!.parameters.probability(theta), pool: pool)
                    steps += 1
                }
            }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            best = min(best, seconds / Double(steps))
        }

        // then the best batch averages under 50 µs a step (a few µs in a release build)
        #expect(best < 50e-6, "\(best * 1e6) µs per step")
    }

    @Test func theGeneratorFollowsTheReferenceSequence() {
        // given the reference implementation's first outputs for seed 0 (Vigna's splitmix64.c)
        var rng = SplitMix64(seed: 0)

        // when three numbers are drawn
        let drawn = (0..<3).map { _ in rng.next() }

        // then they are the reference ones
        #expect(drawn == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    @Test func normalDeviatesHaveMeanZeroAndUnitVariance() {
        // given a seeded generator
        var rng = SplitMix64(seed: 9)

        // when 20,000 normal deviates are drawn
        let x = (0..<20_000).map { _ in rng.nextNormal() }

        // then their mean and variance are those of N(0, 1) within sampling error
        let mean = x.reduce(0, +) / Double(x.count)
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
    }
}
