import Assessment
import Foundation
import QianxueCore

// Adaptive-test step benchmark (assessment issue): next-item selection plus ability update with a
// 1,000-item pool, side by side with the direct path — every step ranks all items by information
// at the current ability and recomputes the EAP from all answers (what a plain implementation does).
//
//   swift run -c release assessment-bench [--simulees 2000]

var generator = SeededRandom(seed: 2026)
let simulees = CommandLine.arguments.firstIndex(of: "--simulees").flatMap { Int(CommandLine.arguments[$0 + 1]) } ?? 2_000
let dimensions = Competency.Dimension.allCases
let items = (0..<1_000).map { i in
    PoolItem(id: "item-\(i)", parameters: TwoParameterItem(a: 0.8 + 1.2 * generator.unit(), b: generator.normal()),
             dimension: dimensions[i % dimensions.count], bands: Set(GradeBand.allCases))
}
let pool = try ItemPool(items: items)

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }
func percentile(_ xs: [Double], _ p: Double) -> Double { let s = xs.sorted(); return s[min(s.count - 1, Int(Double(s.count) * p))] }

/// Our path: the stored test's incremental posterior and the pool's precomputed rankings.
@MainActor func ours(_ theta: Double) -> [Double] {
    var test = AdaptiveTest(band: .junior, pool: pool)
    var steps: [Double] = []
    while !test.isFinished {
        let start = DispatchTime.now().uptimeNanoseconds
        guard let id = test.next(from: pool, using: &generator) else { break }
        let p = pool.item(id: id)!.parameters.probability(theta)
        try! test.record(id, correct: generator.unit() < p, pool: pool)
        steps.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000)
    }
    return steps
}

/// The direct path: information of every unused item at θ, then EAP over all answers on 61 points.
@MainActor func direct(_ theta: Double) -> [Double] {
    var answered: [(item: TwoParameterItem, correct: Bool)] = []
    var used = Set<Int>()
    var estimate = AbilityEstimate(theta: 0, se: 1)
    var steps: [Double] = []
    while answered.count < 25 && !(answered.count >= 4 && estimate.se <= 0.35) {
        let start = DispatchTime.now().uptimeNanoseconds
        var best = -1, bestInfo = -1.0
        for (i, item) in items.enumerated() where !used.contains(i) {
            let info = item.parameters.information(estimate.theta)
            if info > bestInfo { best = i; bestInfo = info }
        }
        used.insert(best)
        let item = items[best].parameters
        answered.append((item, generator.unit() < item.probability(theta)))
        estimate = AbilityEstimator.eap(responses: answered)
        steps.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000)
    }
    return steps
}

var oursSteps: [Double] = [], directSteps: [Double] = []
var lengths: [Double] = []
for round in 0..<simulees {
    let theta = generator.normal()
    // alternate the order so that the machine's noise falls on both paths alike
    if round % 2 == 0 {
        let o = ours(theta); oursSteps += o; lengths.append(Double(o.count)); directSteps += direct(theta)
    } else {
        directSteps += direct(theta); let o = ours(theta); oursSteps += o; lengths.append(Double(o.count))
    }
}
print("| path | steps | median µs/step | p99 µs/step |")
print("|---|---|---|---|")
print(String(format: "| ours (incremental posterior, precomputed rankings, randomesque, content balancing) | %d | %.2f | %.2f |",
             oursSteps.count, median(oursSteps), percentile(oursSteps, 0.99)))
print(String(format: "| direct (rank all items, EAP from all answers) | %d | %.2f | %.2f |",
             directSteps.count, median(directSteps), percentile(directSteps, 0.99)))
print(String(format: "\nratio direct/ours (medians): %.1f×; mean test length (ours): %.1f items; target: < 50 µs per step",
             median(directSteps) / median(oursSteps), lengths.reduce(0, +) / Double(lengths.count)))
