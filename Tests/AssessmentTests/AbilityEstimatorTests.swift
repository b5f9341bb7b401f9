import Assessment
import Foundation
import Testing

@Suite struct AbilityEstimatorTests {
    static let items = [(1.2, -1.5), (0.8, -0.5), (1.5, 0.0), (1.0, 0.7), (1.3, 1.6)].map { TwoParameterItem(a: $0.0, b: $0.1) }

    @Test func mleSolvesTheLikelihoodEquation() throws {
        // given a mixed pattern
        let responses = zip(Self.items, [true, true, false, true, false]).map { (item: $0, correct: $1) }

        // when the ability is estimated by maximum likelihood
        let estimate = try #require(AbilityEstimator.mle(responses: responses))

        // then the score Σ a(x − P) vanishes there, and the SE is 1/√information
        let score = responses.reduce(0) { $0 + $1.item.a * (($1.correct ? 1 : 0) - $1.item.probability(estimate.theta)) }
        #expect(abs(score) < 1e-8)
        let information = Self.items.reduce(0) { $0 + $1.information(estimate.theta) }
        #expect(abs(estimate.se - 1 / information.squareRoot()) < 1e-12)
    }

    @Test func mleHasNoFiniteEstimateForAllCorrectOrAllWrong() {
        // given patterns that are all correct, all wrong, or empty
        let allCorrect = Self.items.map { (item: $0, correct: true) }
        let allWrong = Self.items.map { (item: $0, correct: false) }

        // when estimated by maximum likelihood and by EAP
        // then MLE declines while EAP still gives a finite answer below or above the items
        #expect(AbilityEstimator.mle(responses: allCorrect) == nil)
        #expect(AbilityEstimator.mle(responses: allWrong) == nil)
        #expect(AbilityEstimator.mle(responses: []) == nil)
        #expect(AbilityEstimator.eap(responses: allCorrect).theta > 1)
        #expect(AbilityEstimator.eap(responses: allWrong).theta < -1)
    }

    @Test func mleIsClampedToItsBounds() throws {
        // given one wrong answer to a very easy item among many right answers to hard ones
        let responses = [(item: TwoParameterItem(a: 0.3, b: -6), correct: false)]
            + (0..<8).map { _ in (item: TwoParameterItem(a: 2, b: 3), correct: true) }

        // when the likelihood peaks beyond the bounds
        let estimate = try #require(AbilityEstimator.mle(responses: responses, bounds: -4...4))

        // then the estimate sits on the bound
        #expect(estimate.theta == 4)
    }

    @Test func mleRecoversAbilityFromALongTest() throws {
        // given 400 items answered exactly in proportion to their chance at θ = 0.8 (alternating
        // between two items whose chances are 0.25 and 0.75 keeps the score equation balanced)
        let hard = TwoParameterItem(a: 1, b: 0.8 + log(3.0)), easy = TwoParameterItem(a: 1, b: 0.8 - log(3.0))
        var responses = [(item: TwoParameterItem, correct: Bool)]()
        for i in 0..<100 {
            responses.append((hard, i % 4 == 0))
            responses.append((easy, i % 4 != 0))
        }

        // when estimated
        let estimate = try #require(AbilityEstimator.mle(responses: responses))

        // then it lands on 0.8 with the expected precision
        #expect(abs(estimate.theta - 0.8) < 1e-6)
        #expect(abs(estimate.se - 1 / (200 * 0.1875).squareRoot()) < 1e-6)
    }

    @Test func eapWithoutResponsesIsThePrior() {
        // given a prior of N(0.5, 0.8²) on the standard points
        let prior = Quadrature.standard.prior(mean: 0.5, standardDeviation: 0.8)

        // when nothing has been answered
        let estimate = AbilityEstimator.eap(responses: [], prior: prior)

        // then the estimate is the prior's mean and SD
        #expect(abs(estimate.theta - 0.5) < 1e-6)
        #expect(abs(estimate.se - 0.8) < 1e-6)
    }

    @Test func eapShrinksTowardThePriorMean() throws {
        // given a mixed pattern
        let responses = zip(Self.items, [true, true, true, true, false]).map { (item: $0, correct: $1) }

        // when scored by EAP and by MLE
        let eap = AbilityEstimator.eap(responses: responses)
        let mle = try #require(AbilityEstimator.mle(responses: responses))

        // then EAP lies between the prior mean and the MLE, and is more certain
        #expect(eap.theta > 0 && eap.theta < mle.theta)
        #expect(eap.se < mle.se)
    }
}
