import Foundation

/// How well one item's 2PL curve predicts its responses: a posterior-predictive chi-square.
///
/// For each examinee who answered the item, E is the chance of a correct answer predicted from the
/// posterior given their *other* responses, so under the model the response is Bernoulli(E) exactly
/// (given the other responses) — which holds with adaptive, incomplete data, where the Orlando–Thissen
/// S-X² (built on complete-test sum scores) does not apply. Examinees are sorted by E and split into
/// up to 10 equal groups; each group's standardised residual is Z = Σ(x − E) / √Σ E(1 − E), and the
/// statistic Σ Z² is referred to a chi-square with one degree of freedom per group less two for the
/// item's estimated slope and intercept. A curve of the wrong shape (guessing, a flat or falling item,
/// a wrong key) leaves residuals of one sign at one end.
public struct ItemFit: Sendable, Hashable, Codable {
    /// The item's column in the response matrix.
    public let item: Int
    public let respondents: Int
    /// Σ Z² over the groups.
    public let statistic: Double
    public let degreesOfFreedom: Int
    /// The chance of a statistic this large from an item that fits.
    public let pValue: Double
    /// The groups' standardised residuals, from the lowest predicted chance to the highest;
    /// positive where students did better than the curve says.
    public let residuals: [Double]
}

extension ExpectationMaximisation {
    /// The posterior-predictive fit of each item with at least three groups' worth of respondents.
    func fit(slopes: [Double], intercepts: [Double], groups: Int, minimumGroupSize: Int) -> [ItemFit] {
        let count = points.count
        var probability = [Double](repeating: 0, count: data.itemCount * count)
        for j in 0..<data.itemCount {
            for k in 0..<count {
                probability[j * count + k] = TwoParameterItem(slope: slopes[j], intercept: intercepts[j]).probability(points[k])
            }
        }
        var predictions = [[(expected: Double, correct: Bool)]](repeating: [], count: data.itemCount)
        probability.withUnsafeBufferPointer { p in
            data.codes.withUnsafeBufferPointer { codes in
                _ = forEachPosterior(slopes: slopes, intercepts: intercepts) { responses, posterior in
                    for c in responses {
                        let code = Int(codes[c]), j = code >> 1, row = j * count
                        // Dividing the item's own likelihood out of the posterior leaves the rest-posterior.
                        var expected: Double
                        if code & 1 == 1 {
                            var inverse = 0.0
                            for k in 0..<count { inverse += posterior[k] / p[row + k] }
                            expected = 1 / inverse
                        } else {
                            var numerator = 0.0, denominator = 0.0
                            for k in 0..<count {
                                let rest = posterior[k] / (1 - p[row + k])
                                numerator += rest * p[row + k]
                                denominator += rest
                            }
                            expected = numerator / denominator
                        }
                        predictions[j].append((min(max(expected, 0), 1), code & 1 == 1))
                    }
                }
            }
        }
        return predictions.enumerated().compactMap { j, pairs in
            Self.itemFit(item: j, pairs: pairs, groups: groups, minimumGroupSize: minimumGroupSize)
        }
    }

    static func itemFit(item: Int, pairs: [(expected: Double, correct: Bool)], groups: Int, minimumGroupSize: Int) -> ItemFit? {
        let groupCount = min(groups, pairs.count / max(minimumGroupSize, 1))
        guard groupCount >= 3 else { return nil }
        let sorted = pairs.sorted { ($0.expected, $0.correct ? 1 : 0) < ($1.expected, $1.correct ? 1 : 0) }
        var residuals = [Double](), start = 0
        for g in 1...groupCount where start < sorted.count {
            // A group ends at its share of examinees, and never inside a run of equal predictions:
            // examinees with the same other responses belong together whatever they answered.
            var end = max(g * sorted.count / groupCount, start + 1)
            while end < sorted.count && sorted[end].expected - sorted[end - 1].expected < 1e-12 { end += 1 }
            var observedMinusExpected = 0.0, variance = 0.0
            for (expected, correct) in sorted[start..<end] {
                observedMinusExpected += (correct ? 1 : 0) - expected
                variance += expected * (1 - expected)
            }
            if variance > 1e-9 { residuals.append(observedMinusExpected / variance.squareRoot()) }
            start = end
        }
        let statistic = residuals.reduce(0) { $0 + $1 * $1 }
        let df = max(residuals.count - 2, 1)
        return ItemFit(item: item, respondents: pairs.count, statistic: statistic, degreesOfFreedom: df,
                       pValue: ChiSquared.survival(statistic, degreesOfFreedom: df), residuals: residuals)
    }
}

/// The chi-square distribution's upper tail, through the regularised incomplete gamma function.
enum ChiSquared {
    /// P(X ≥ x) for X ~ χ²(df).
    static func survival(_ x: Double, degreesOfFreedom df: Int) -> Double {
        guard x > 0 else { return 1 }
        return upperRegularisedGamma(Double(df) / 2, x / 2)
    }

    /// Q(s, x) = Γ(s, x) / Γ(s): a series below s + 1, a continued fraction (Lentz) above it.
    static func upperRegularisedGamma(_ s: Double, _ x: Double) -> Double {
        let logPrefix = s * log(x) - x - lgamma(s)
        if x < s + 1 {
            var term = 1 / s, sum = term, n = s
            for _ in 0..<1_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return max(0, 1 - sum * exp(logPrefix))
        }
        let tiny = 1e-300
        var b = x + 1 - s, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...1_000 {
            let an = -Double(i) * (Double(i) - s)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return exp(logPrefix) * h
    }
}
