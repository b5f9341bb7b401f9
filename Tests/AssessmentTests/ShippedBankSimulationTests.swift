import Assessment
import Foundation
import QianxueCore
import Testing
import TestSupport

/// The adaptive test on the shipped item bank — its items, bands and dimensions — with 2,000
/// simulees of known ability per band.
///
/// The shipped parameters are provisional (the authors' difficulty and a slope of 1 until the pilot
/// is calibrated), and at a slope of 1 no 25 items can reach SE ≤ 0.35 (each gives at most 0.25 of
/// information: 1 / √(1 + 25 × 0.25) = 0.37). So the simulees answer by "true" parameters — slopes
/// log-normal around 1.7 (1.0–3.0, as literacy items that discriminate well), difficulties the
/// authors' estimate off by N(0, 0.4) — and the test runs on estimates of them with the error a
/// calibration leaves (difficulty N(0, 0.2), slope ×e^N(0, 0.1); CalibrationTests shows the MML-EM
/// calibration recovering difficulty within RMSE 0.25).
@Suite struct ShippedBankSimulationTests {
    static func pools(seed: UInt64) throws -> (truth: ItemPool, calibrated: ItemPool) {
        var rng = SplitMix64(seed: seed)
        let shipped = try AssessmentItems(bank: ShippedItemBank.bank).pool
        var truth = [PoolItem](), calibrated = [PoolItem]()
        for item in shipped.items {
            let a = min(max(1.7 * exp(0.25 * rng.nextNormal()), 1.0), 3.0)
            let b = item.parameters.b + 0.4 * rng.nextNormal()
            truth.append(PoolItem(id: item.id, parameters: TwoParameterItem(a: a, b: b), dimension: item.dimension, bands: item.bands))
            let estimate = TwoParameterItem(a: a * exp(0.1 * rng.nextNormal()), b: b + 0.2 * rng.nextNormal())
            calibrated.append(PoolItem(id: item.id, parameters: estimate, dimension: item.dimension, bands: item.bands))
        }
        return (try ItemPool(items: truth), try ItemPool(items: calibrated))
    }

    /// The basic-education bands (the bank has 22 items for vocational and 7 for higher education:
    /// too few for an adaptive test there yet).
    @Test(arguments: [GradeBand.primaryLower, .primaryUpper, .junior, .senior])
    func adaptiveTestsOnTheShippedBankMeasureEachBand(band: GradeBand) async throws {
        // given the shipped bank, calibrated, and 2,000 students of the band with abilities N(band mean, 1)
        let (truth, calibrated) = try Self.pools(seed: 7)
        #expect(calibrated.count(in: band) >= 55, "\(calibrated.count(in: band)) items for \(band)")

        // when each sits an adaptive test with the standard configuration
        let report = try await offThePool {
            var rng = SplitMix64(seed: 500 + UInt64(GradeBand.allCases.firstIndex(of: band)!))
            let abilities = SyntheticBank.abilities(band, count: 2_000, rng: &rng)
            return AdaptiveSimulation(pool: calibrated).run(band: band, abilities: abilities, answeringBy: truth, using: &rng)
        }

        // then estimates track true abilities, most reach SE ≤ 0.35 within 25 items, and no item
        // is shown to more than 40% of the band
        let summary = "\(band.rawValue): \(calibrated.count(in: band)) items, r = \(report.correlation), "
            + "reached \(report.fractionReachingTarget), mean length \(report.meanLength), max exposure \(report.maxExposureRate)"
        #expect(report.correlation >= 0.9, "\(summary)")
        #expect(report.fractionReachingTarget >= 0.8, "\(summary)")
        #expect(report.lengths.allSatisfy { $0 <= 25 }, "\(summary)")
        #expect(report.maxExposureRate <= 0.4, "\(summary)")
        print(summary)
    }

    @Test func atTheProvisionalSlopeOfOneTheTargetPrecisionIsOutOfReach() throws {
        // given the bank as shipped (a = 1) and junior students answering by those parameters
        let shipped = try AssessmentItems(bank: ShippedItemBank.bank).pool
        var rng = SplitMix64(seed: 9)
        let report = AdaptiveSimulation(pool: shipped).run(band: .junior, abilities: SyntheticBank.abilities(.junior, count: 300, rng: &rng),
                                                           using: &rng)
        // then no test stops for precision: each runs to 25 items (the reason the calibration matters)
        #expect(report.fractionReachingTarget < 0.05, "reached \(report.fractionReachingTarget)")
        #expect(report.correlation >= 0.8, "r = \(report.correlation)")
    }
}
