import Assessment
import Foundation
import QianxueCore
import Testing

/// The state the service stores after every answer, written by hand (`stateJSON`) rather than by
/// `JSONEncoder`: it must read back as the same test, and hold the same keys and values.
@Suite struct AdaptiveStateTests {
    let pool = SyntheticBank.pool

    @Test(arguments: [AdaptiveTest.Configuration.standard,
                      .init(maxItems: 12, targetSE: 0, exposure: .init(randomesque: 3, sympsonHetter: true)),
                      .init(maxItems: 40, minItems: 1, targetSE: 0.2)])
    func theStateReadsBackAsTheSameTest(configuration: AdaptiveTest.Configuration) throws {
        var rng = SplitMix64(seed: 7)
        for (n, band) in GradeBand.allCases.enumerated() {
            var test = AdaptiveTest(band: band, configuration: configuration, pool: pool)
            var states = [test]
            while let id = test.next(from: pool, using: &rng) {
                states.append(test)   // with an item pending
                try test.record(id, correct: (n + test.responses.count) % 3 != 0, pool: pool)
                states.append(test)
            }
            states.append(test)
            for state in states {
                let fast = try state.stateJSON()
                let decoded = try JSONDecoder().decode(AdaptiveTest.self, from: Data(fast.utf8))
                #expect(decoded == state)
                #expect(decoded.estimate == state.estimate && decoded.responses == state.responses && decoded.pending == state.pending)
                // the same keys and values as JSONEncoder writes
                let mine = try JSONSerialization.jsonObject(with: Data(fast.utf8)) as? NSDictionary
                let theirs = try JSONSerialization.jsonObject(with: JSONEncoder().encode(state)) as? NSDictionary
                #expect(mine == theirs)
            }
        }
    }

    @Test func itemIdsNeedingEscapesSurvive() throws {
        let items = ["a\"b", "c\\d", "e\nf", "统一\u{1}"].enumerated().map { i, id in
            PoolItem(id: id, parameters: TwoParameterItem(a: 1, b: Double(i) - 1), dimension: Competency.Dimension.allCases[i % 4],
                     bands: Set(GradeBand.allCases))
        }
        let pool = try ItemPool(items: items)
        var rng = SplitMix64(seed: 1)
        var test = AdaptiveTest(band: .junior, configuration: .init(maxItems: 4, minItems: 4, targetSE: 0), pool: pool)
        while let id = test.next(from: pool, using: &rng) { try test.record(id, correct: true, pool: pool) }
        #expect(test.responses.count == 4)
        #expect(try JSONDecoder().decode(AdaptiveTest.self, from: Data(test.stateJSON().utf8)) == test)
    }
}
