import Assessment
import Testing

@Suite struct TwoParameterItemTests {
    @Test func aStudentAtTheItemsDifficultyHasAnEvenChance() {
        let item = TwoParameterItem(a: 1.7, b: 0.4)
        #expect(abs(item.probability(0.4) - 0.5) < 1e-12)
        #expect(item.probability(2) > item.probability(0))
        // Information peaks at θ = b with a²/4.
        #expect(abs(item.information(0.4) - 1.7 * 1.7 / 4) < 1e-12)
        #expect(item.information(1.4) < item.information(0.4))
    }

    @Test func knownValue() {
        // P = 1 / (1 + e^(−1)) for a = 1, θ − b = 1.
        #expect(abs(TwoParameterItem(a: 1, b: 0).probability(1) - 0.7310585786300049) < 1e-12)
    }
}
