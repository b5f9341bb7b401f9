import Assessment
import Foundation
import QianxueCore
import Testing

@Suite struct AdaptiveTestTests {
    let pool = SyntheticBank.pool

    @Test func aTestStartsAtTheBandsMean() {
        // given a junior-secondary and a lower-primary student
        let junior = AdaptiveTest(band: .junior, pool: pool)
        let young = AdaptiveTest(band: .primaryLower, pool: pool)

        // then each starts at the band's configured mean with the prior's SD, not finished
        #expect(abs(junior.estimate.theta - 0) < 1e-6 && abs(junior.estimate.se - 1) < 1e-3)
        #expect(abs(young.estimate.theta - BandPrior.provisional[.primaryLower]!.mean) < 1e-6)
        #expect(!junior.isFinished && junior.stopReason == nil)
    }

    @Test func thePendingItemIsOfferedAgainUntilAnswered() throws {
        // given a test that has chosen its first item
        var rng = SplitMix64(seed: 1)
        var test = AdaptiveTest(band: .senior, pool: pool)
        let first = try #require(test.next(from: pool, using: &rng))

        // when asked again before the answer, and when a different item is answered
        let again = test.next(from: pool, using: &rng)

        // then the same item comes back, and only it may be recorded
        #expect(again == first)
        #expect(throws: AdaptiveTestError.notPending("syn-999")) { try test.record("syn-999", correct: true, pool: pool) }
        try test.record(first, correct: true, pool: pool)
        #expect(test.pending == nil && test.responses.map(\.itemID) == [first])
        #expect(test.next(from: pool, using: &rng) != first)
    }

    @Test func itemsComeFromTheBandAndAreBalancedAcrossDimensions() throws {
        // given a test run for 12 items
        var rng = SplitMix64(seed: 2)
        var test = AdaptiveTest(band: .primaryUpper, configuration: .init(maxItems: 12, targetSE: 0), pool: pool)

        // when a student answers alternately right and wrong
        var i = 0
        while let id = test.next(from: pool, using: &rng) {
            try test.record(id, correct: i % 2 == 0, pool: pool)
            i += 1
        }

        // then all items suit the band, each dimension got 3, none repeats, and it stopped at 12
        let items = test.responses.map { pool.item(id: $0.itemID)! }
        #expect(items.allSatisfy { $0.bands.contains(.primaryUpper) })
        #expect(Dictionary(grouping: items, by: \.dimension).mapValues(\.count) == [.humanCentred: 3, .ethics: 3, .techniques: 3, .systemDesign: 3])
        #expect(Set(items.map(\.id)).count == 12)
        #expect(test.stopReason == .maxItems)
    }

    @Test func correctAnswersRaiseTheEstimateAndLowerTheError() throws {
        // given a test after one answer
        var rng = SplitMix64(seed: 3)
        var test = AdaptiveTest(band: .junior, pool: pool)
        let before = test.estimate

        // when the student answers right
        try test.record(try #require(test.next(from: pool, using: &rng)), correct: true, pool: pool)

        // then the estimate rises and its standard error falls, matching a from-scratch EAP
        #expect(test.estimate.theta > before.theta && test.estimate.se < before.se)
        let item = pool.item(id: test.responses[0].itemID)!.parameters
        let scratch = AbilityEstimator.eap(responses: [(item, true)], prior: BandPrior(mean: 0).quadrature())
        #expect(abs(test.estimate.theta - scratch.theta) < 1e-9 && abs(test.estimate.se - scratch.se) < 1e-9)
    }

    @Test func aStoredTestResumesExactlyWhereItLeftOff() throws {
        // given a test with three answers and a pending item, stored as JSON and read back
        var rng = SplitMix64(seed: 4)
        var test = AdaptiveTest(band: .higher, pool: pool)
        for _ in 0..<3 { try test.record(test.next(from: pool, using: &rng)!, correct: true, pool: pool) }
        _ = test.next(from: pool, using: &rng)
        let restored = try JSONDecoder().decode(AdaptiveTest.self, from: JSONEncoder().encode(test))

        // when both go on with the same random numbers
        var a = test, b = restored, rngA = rng, rngB = rng
        for _ in 0..<5 {
            try a.record(a.next(from: pool, using: &rngA)!, correct: false, pool: pool)
            try b.record(b.next(from: pool, using: &rngB)!, correct: false, pool: pool)
        }

        // then they choose the same items and reach the same estimate
        #expect(restored == test)
        #expect(a.responses == b.responses && a.estimate == b.estimate)
    }

    @Test func itemsSeenBeforeAreNeverChosen() throws {
        // given every techniques item of the band but one marked as seen
        var rng = SplitMix64(seed: 5)
        let techniques = pool.items.filter { $0.dimension == .techniques && $0.bands.contains(.vocational) }
        let seen = Set(techniques.dropFirst().map(\.id))
        var test = AdaptiveTest(band: .vocational, configuration: .init(maxItems: 16, targetSE: 0), pool: pool)

        // when the test runs
        while let id = test.next(from: pool, excluding: seen, using: &rng) { try test.record(id, correct: true, pool: pool) }

        // then no seen item appears; techniques gives its one item and the others make up the rest
        #expect(test.responses.allSatisfy { !seen.contains($0.itemID) })
        #expect(test.responses.filter { $0.dimension == .techniques }.map(\.itemID) == [techniques[0].id])
        #expect(test.responses.count == 16)
    }

    @Test func aSmallPoolRunsOut() throws {
        // given a pool of four items for the junior band
        let small = try ItemPool(items: Competency.Dimension.allCases.enumerated().map { i, d in
            PoolItem(id: "s\(i)", parameters: TwoParameterItem(a: 1, b: 0), dimension: d, bands: [.junior])
        })
        var rng = SplitMix64(seed: 6)
        var test = AdaptiveTest(band: .junior, pool: small)

        // when every item has been answered
        while let id = test.next(from: small, using: &rng) { try test.record(id, correct: false, pool: small) }

        // then the test ends because the pool is exhausted, after four items
        #expect(test.stopReason == .poolExhausted && test.responses.count == 4)
    }

    @Test func configurationFilesMayOmitWhatTheyDoNotChange() throws {
        // given a configuration that sets only the target, the exposure method and one band's mean
        let json = #"{"targetSE": 0.3, "exposure": {"sympsonHetter": true}, "priors": {"junior": {"mean": 0.2, "standardDeviation": 0.9}}}"#

        // when decoded
        let c = try JSONDecoder().decode(AdaptiveTest.Configuration.self, from: Data(json.utf8))

        // then the rest keeps its defaults, the other bands their provisional priors
        #expect(c.targetSE == 0.3 && c.maxItems == 25 && c.exposure.randomesque == 10 && c.exposure.sympsonHetter)
        #expect(c.prior(for: .junior) == BandPrior(mean: 0.2, standardDeviation: 0.9))
        #expect(c.prior(for: .senior) == BandPrior.provisional[.senior])
        #expect(c.contentTargets == .even)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(AdaptiveTest.Configuration.self, from: Data(#"{"contentTargets": {"XX": 1}}"#.utf8))
        }
    }
}
