import Assessment
import Foundation
import Testing

@Suite struct TwoParameterItemTests {
    @Test func aStudentAtTheItemsDifficultyHasAnEvenChance() {
        // given an item of difficulty 0.4
        let item = TwoParameterItem(a: 1.7, b: 0.4)

        // then a student at 0.4 has an even chance, and a stronger one a better chance
        #expect(abs(item.probability(0.4) - 0.5) < 1e-12)
        #expect(item.probability(2) > item.probability(0))
        // Information peaks at θ = b with a²/4.
        #expect(abs(item.information(0.4) - 1.7 * 1.7 / 4) < 1e-12)
        #expect(item.information(1.4) < item.information(0.4))
    }

    @Test func knownValue() {
        // given a = 1, θ − b = 1
        // then P = 1 / (1 + e^(−1))
        #expect(abs(TwoParameterItem(a: 1, b: 0).probability(1) - 0.7310585786300049) < 1e-12)
    }

    @Test func mirtsSlopeInterceptFormGivesTheSameCurve() {
        // given mirt's LSAT7 item 3 as slope 1.7075 and intercept 1.8052
        let item = TwoParameterItem(slope: 1.7075, intercept: 1.8052)

        // then b = −d/a, the intercept comes back, and P = 1/(1 + e^−(aθ + d))
        #expect(abs(item.b - -1.8052 / 1.7075) < 1e-12)
        #expect(abs(item.intercept - 1.8052) < 1e-12)
        #expect(abs(item.probability(0.3) - 1 / (1 + exp(-(1.7075 * 0.3 + 1.8052)))) < 1e-12)
    }

    @Test func aRubricScoreCountsAsCorrectAtItsCut() {
        // given a constructed response scored 2 of 3 and one scored 1, with the cut at 2
        let item = TwoParameterItem(a: 1, b: 0)

        // then the first is correct and the second is not
        #expect(ScoredResponse(item: item, dimension: .systemDesign, points: 2, correctAt: 2).correct)
        #expect(!ScoredResponse(item: item, dimension: .systemDesign, points: 1, correctAt: 2).correct)
    }

    @Test func quadratureDefaultsToMirtsGrid() {
        // given the standard quadrature
        let q = Quadrature.standard

        // then it has 61 points from −6 to 6 in steps of 0.2 and weights that sum to 1, largest at 0
        #expect(q.points.count == 61 && q.points.first == -6 && abs(q.points.last! - 6) < 1e-12)
        #expect(abs(q.points[31] - q.points[30] - 0.2) < 1e-12)
        #expect(abs(q.weights.reduce(0, +) - 1) < 1e-12)
        #expect(q.weights.firstIndex(of: q.weights.max()!) == 30)
    }
}
