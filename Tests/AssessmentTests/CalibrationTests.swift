import Assessment
import Foundation
import Testing

@Suite struct CalibrationTests {
    @Test func calibrationRecoversDifficultiesOfSimulatedItems() throws {
        // given 2,000 N(0, 1) simulees answering 40 items of known parameters
        var rng = SplitMix64(seed: 11)
        let items = SyntheticBank.calibrationItems(count: 40, rng: &rng)
        let responses = SyntheticBank.responses(to: items, examinees: 2_000, rng: &rng)

        // when the items are calibrated from the responses alone
        let result = try Calibration().calibrate(responses: responses)

        // then difficulties come back within an RMSE of 0.25, and slopes too
        #expect(result.converged)
        let rmseB = SyntheticBank.rmse(result.items.map(\.b), items.map(\.b))
        let rmseA = SyntheticBank.rmse(result.items.map(\.a), items.map(\.a))
        #expect(rmseB <= 0.25, "RMSE of b \(rmseB)")
        #expect(rmseA <= 0.25, "RMSE of a \(rmseA)")
    }

    @Test func calibrationHandlesAdaptiveStyleHoles() throws {
        // given the same design with 40% of the responses missing at random
        var rng = SplitMix64(seed: 12)
        let items = SyntheticBank.calibrationItems(count: 40, rng: &rng)
        let responses = SyntheticBank.responses(to: items, examinees: 2_000, missing: 0.4, rng: &rng)

        // when calibrated
        let result = try Calibration().calibrate(responses: responses)

        // then each item counts only its respondents, and difficulties are still recovered
        #expect(result.respondents.allSatisfy { $0 > 1_000 && $0 < 1_400 })
        let rmseB = SyntheticBank.rmse(result.items.map(\.b), items.map(\.b))
        #expect(rmseB <= 0.25, "RMSE of b \(rmseB)")
    }

    @Test func calibrationReportsItemsWhoseCurveIsNotTwoParameterLogistic() throws {
        // given 40 items of which item 0 has a wrong key (weaker students get it right more often)
        // and item 1 is half guessable (a true-or-false item: no one falls below 0.5, then a steep rise)
        var rng = SplitMix64(seed: 13)
        let items = SyntheticBank.calibrationItems(count: 40, rng: &rng)
        let responses = SyntheticBank.responses(
            to: items, examinees: 2_000,
            curve: [0: { theta in theta < 0 ? 0.7 : 0.3 }, 1: { theta in 0.5 + 0.5 / (1 + exp(-2.5 * (theta - 1))) }],
            rng: &rng)

        // when calibrated
        let result = try Calibration().calibrate(responses: responses)

        // then the backwards item is reported beyond doubt; the guessable one, which a flattened
        // 2PL curve half mimics, stands out at the 5% level; at most one of the 38 items that fit
        // is reported at the 1% level
        let backwards = try #require(result.fit.first { $0.item == 0 })
        #expect(result.misfit.contains { $0.item == 0 } && backwards.pValue < 1e-6)
        let guessable = try #require(result.fit.first { $0.item == 1 })
        #expect(guessable.pValue < 0.05, "\(guessable)")
        #expect(result.misfit.filter { $0.item >= 2 }.count <= 1, "\(result.misfit.map(\.item))")
    }

    @Test func itemsWithTooFewRespondentsKeepTheirStartAndGetNoFit() throws {
        // given a matrix where item 2 was seen by nobody and a start for every item
        var rng = SplitMix64(seed: 14)
        let items = SyntheticBank.calibrationItems(count: 3, rng: &rng)
        let responses = SyntheticBank.responses(to: items, examinees: 300, rng: &rng).map { [$0[0], $0[1], nil] }

        // when calibrated from that start
        let result = try Calibration().calibrate(responses: responses, start: items)

        // then item 2 keeps its start, has no respondents and no fit statistic
        #expect(abs(result.items[2].a - items[2].a) < 1e-12 && abs(result.items[2].b - items[2].b) < 1e-12)
        #expect(result.respondents[2] == 0)
        #expect(!result.fit.contains { $0.item == 2 })
    }

    @Test func malformedMatricesAreRefused() {
        // given matrices that cannot be calibrated
        // then each is refused with its reason
        #expect(throws: CalibrationError.noItems) { try Calibration().calibrate(responses: []) }
        #expect(throws: CalibrationError.raggedRow(index: 1, count: 1, expected: 2)) {
            try Calibration().calibrate(responses: [[true, false], [true]])
        }
        #expect(throws: CalibrationError.noResponses) { try Calibration().calibrate(responses: [[nil, nil]]) }
        #expect(throws: CalibrationError.startCount(1, expected: 2)) {
            try Calibration().calibrate(responses: [[true, false]], start: [TwoParameterItem(a: 1, b: 0)])
        }
    }
}
