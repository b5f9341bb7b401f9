import Assessment
import Foundation
import QianxueCore
import Testing

@Suite struct LiteracyProfileTests {
    @Test func provisionalCutsMapAbilitiesToLevels() {
        // given the provisional cut scores
        let cuts = CutScores.provisional

        // then below −0.5 is understand, from −0.5 below 0.8 apply, from 0.8 create
        #expect(cuts.level(for: -0.51) == .understand)
        #expect(cuts.level(for: -0.5) == .apply)
        #expect(cuts.level(for: 0.79) == .apply)
        #expect(cuts.level(for: 0.8) == .create)
    }

    @Test func cutScoresAreReadFromConfigurationWithPerDimensionOverrides() throws {
        // given a cut-score table whose ethics cuts differ
        let json = #"{"overall": {"apply": -0.4, "create": 0.9}, "dimensions": {"ET": {"apply": 0.0, "create": 1.2}}}"#

        // when it is read
        let cuts = try JSONDecoder().decode(CutScores.self, from: Data(json.utf8))

        // then ethics uses its own cuts and the other dimensions the overall ones; crossed cuts are refused
        #expect(cuts.level(for: -0.2, in: .ethics) == .understand)
        #expect(cuts.level(for: -0.2, in: .techniques) == .apply)
        #expect(cuts.level(for: 1.0) == .create && cuts.level(for: 1.0, in: .ethics) == .apply)
        let crossed = #"{"overall": {"apply": 1.0, "create": 0.5}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CutScores.self, from: Data(crossed.utf8)) }
    }

    @Test func eachDimensionIsEstimatedFromItsOwnItems() {
        // given a student who answers twelve techniques items (b from 0.8 to 2.2) as a student of
        // θ = 1.5 would, twelve ethics items (b from −2.2 to −0.8) as one of θ = −1.5 would, one
        // human-centred item, and nothing on system design
        let steps = (0..<12).map { 1.4 * Double($0) / 11 }
        let responses = steps.map { ScoredResponse(item: TwoParameterItem(a: 2, b: 0.8 + $0), dimension: .techniques, correct: 0.8 + $0 < 1.5) }
            + steps.map { ScoredResponse(item: TwoParameterItem(a: 2, b: -2.2 + $0), dimension: .ethics, correct: -2.2 + $0 < -1.5) }
            + [ScoredResponse(item: TwoParameterItem(a: 1, b: 0), dimension: .humanCentred, correct: true)]

        // when the profile is built
        let profile = LiteracyProfile(responses: responses)

        // then techniques reads create and ethics understand, both precise; human-centred rests on
        // one item and is indicative; system design has no level at all
        let techniques = profile.result(.techniques), ethics = profile.result(.ethics)
        #expect(techniques.level == .create && !techniques.indicative && techniques.itemCount == 12, "\(techniques)")
        #expect(ethics.level == .understand && !ethics.indicative, "\(ethics)")
        #expect(profile.result(.humanCentred).indicative && profile.result(.humanCentred).itemCount == 1)
        #expect(profile.result(.systemDesign).level == nil && profile.result(.systemDesign).indicative)
        #expect(profile.dimensions.map(\.dimension) == Competency.Dimension.allCases)
        #expect(profile.itemCount == 25 && abs(profile.overall.theta) < 1)
    }

    @Test func indicativeFollowsTheStandardErrorThreshold() {
        // given six right answers on one dimension
        let responses = (0..<6).map { ScoredResponse(item: TwoParameterItem(a: 1.2, b: Double($0) * 0.3), dimension: .ethics, correct: $0 % 2 == 0) }

        // when profiled with the default threshold and with a looser one
        let strict = LiteracyProfile(responses: responses).result(.ethics)
        let loose = LiteracyProfile(responses: responses, indicativeAbove: 0.9).result(.ethics)

        // then the flag is set exactly when the SE exceeds the threshold
        #expect(strict.indicative == (strict.estimate.se > 0.5))
        #expect(strict.estimate.se > 0.5 && strict.indicative && !loose.indicative)
    }

    @Test func anAdaptiveTestsProfileAgreesWithItsRunningEstimate() throws {
        // given a finished adaptive test
        let pool = SyntheticBank.pool
        var rng = SplitMix64(seed: 21)
        var test = AdaptiveTest(band: .junior, pool: pool)
        while let id = test.next(from: pool, using: &rng) {
            try test.record(id, correct: Double.random(in: 0..<1, using: &rng) < pool.item(id: id)!.parameters.probability(0.6), pool: pool)
        }

        // when its profile is built
        let profile = try test.profile(pool: pool)

        // then the overall estimate is the running one, and the dimensions share the items out
        #expect(abs(profile.overall.theta - test.estimate.theta) < 1e-9)
        #expect(abs(profile.overall.se - test.estimate.se) < 1e-9)
        #expect(profile.dimensions.map(\.itemCount).reduce(0, +) == test.responses.count)
        #expect(profile.dimensions.allSatisfy { $0.estimate.se > test.estimate.se })
    }
}
