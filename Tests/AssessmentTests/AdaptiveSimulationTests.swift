import Assessment
import Foundation
import QianxueCore
import Testing
import TestSupport

/// The adaptive test on the synthetic 1,000-item pool with 2,000 simulees of known ability per band.
@Suite struct AdaptiveSimulationTests {
    @Test(arguments: GradeBand.allCases)
    func adaptiveTestsMeasureEachBandPreciselyWithoutOverexposingItems(band: GradeBand) async throws {
        let report = try await offThePool {
            // given 2,000 students of the band with abilities N(band mean, 1)
            var rng = SplitMix64(seed: 100 + UInt64(GradeBand.allCases.firstIndex(of: band)!))
            let abilities = SyntheticBank.abilities(band, count: 2_000, rng: &rng)

            // when each sits an adaptive test with the standard configuration
            return AdaptiveSimulation(pool: SyntheticBank.pool).run(band: band, abilities: abilities, using: &rng)
        }

        // then estimates track true abilities, most reach SE ≤ 0.35 within 25 items, and no item
        // is shown to more than 40% of the band
        #expect(report.correlation >= 0.9, "r = \(report.correlation)")
        #expect(report.fractionReachingTarget >= 0.8, "reached \(report.fractionReachingTarget)")
        #expect(report.lengths.allSatisfy { $0 <= 25 })
        #expect(report.meanLength < 20, "mean length \(report.meanLength)")
        #expect(report.maxExposureRate <= 0.4, "max exposure \(report.maxExposureRate)")
    }

    @Test func sympsonHetterParametersCapExposureThatPureSelectionExceeds() async throws {
        let (unrestricted, restricted, report) = try await offThePool {
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
            return (unrestricted, restricted, report)
        }

        // then the most exposed item falls from most students to near the ceiling, at little cost
        #expect(unrestricted.maxExposureRate > 0.6, "unrestricted \(unrestricted.maxExposureRate)")
        #expect(report.maxExposureRate <= 0.36, "restricted \(report.maxExposureRate)")
        #expect(restricted.items.contains { $0.exposureParameter < 1 })
        #expect(report.fractionReachingTarget >= 0.8 && report.correlation >= 0.9)
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
