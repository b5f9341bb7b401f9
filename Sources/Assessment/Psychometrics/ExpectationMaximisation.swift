import Foundation

/// The E and M steps of Bock–Aitkin EM over a packed response matrix.
struct ExpectationMaximisation: Sendable {
    let data: ResponseMatrix
    let points: [Double]
    let logWeights: [Double]

    init(data: ResponseMatrix, quadrature: Quadrature) {
        self.data = data
        self.points = quadrature.points
        self.logWeights = quadrature.weights.map { log($0) }
    }

    /// Expected examinees at each quadrature point per item (`expected`, item-major) and how many of
    /// them answer correctly (`correct`): the pseudo-data the M step fits a logistic curve to.
    struct Counts {
        var expected: [Double]
        var correct: [Double]
        var logLikelihood: Double
    }

    /// The E step: every examinee's posterior over the points, summed into expected counts.
    func expectedCounts(slopes: [Double], intercepts: [Double]) -> Counts {
        let size = data.itemCount * points.count
        let expected = UnsafeMutableBufferPointer<Double>.allocate(capacity: size)
        let correct = UnsafeMutableBufferPointer<Double>.allocate(capacity: size)
        defer { expected.deallocate(); correct.deallocate() }
        expected.initialize(repeating: 0)
        correct.initialize(repeating: 0)
        let count = points.count
        let logLikelihood = data.codes.withUnsafeBufferPointer { codes in
            forEachPosterior(slopes: slopes, intercepts: intercepts) { responses, posterior in
                for c in responses {
                    let code = Int(codes[c]), row = (code >> 1) * count
                    Self.add(posterior.baseAddress!, to: expected.baseAddress! + row, count: count)
                    if code & 1 == 1 { Self.add(posterior.baseAddress!, to: correct.baseAddress! + row, count: count) }
                }
            }
        }
        return Counts(expected: Array(expected), correct: Array(correct), logLikelihood: logLikelihood)
    }

    /// Calls `body` with each examinee's responses (a range of `data.codes`) and normalised posterior,
    /// and returns the marginal log-likelihood of all of them.
    func forEachPosterior(slopes: [Double], intercepts: [Double],
                          _ body: (Range<Int>, UnsafeMutableBufferPointer<Double>) -> Void) -> Double {
        let count = points.count
        let logCorrect = UnsafeMutableBufferPointer<Double>.allocate(capacity: data.itemCount * count)
        let logWrong = UnsafeMutableBufferPointer<Double>.allocate(capacity: data.itemCount * count)
        let posterior = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
        defer { logCorrect.deallocate(); logWrong.deallocate(); posterior.deallocate() }
        for j in 0..<data.itemCount {
            let item = TwoParameterItem(slope: slopes[j], intercept: intercepts[j])
            for k in 0..<count {
                let lp = item.logProbabilities(points[k])
                logCorrect[j * count + k] = lp.correct
                logWrong[j * count + k] = lp.wrong
            }
        }
        var total = 0.0
        data.codes.withUnsafeBufferPointer { codes in
            data.offsets.withUnsafeBufferPointer { offsets in
                logWeights.withUnsafeBufferPointer { logWeights in
                    for i in 0..<data.examineeCount {
                        for k in 0..<count { posterior[k] = logWeights[k] }
                        let responses = offsets[i]..<offsets[i + 1]
                        for c in responses {
                            let code = Int(codes[c])
                            let table = code & 1 == 1 ? logCorrect : logWrong
                            Self.add(table.baseAddress! + (code >> 1) * count, to: posterior.baseAddress!, count: count)
                        }
                        var top = -Double.infinity
                        for k in 0..<count { top = max(top, posterior[k]) }
                        var sum = 0.0
                        for k in 0..<count {
                            posterior[k] = exp(posterior[k] - top)
                            sum += posterior[k]
                        }
                        for k in 0..<count { posterior[k] /= sum }
                        total += top + log(sum)
                        body(responses, posterior)
                    }
                }
            }
        }
        return total
    }

    /// target[k] += source[k] for k < count: the E step's inner loop, run some 10⁸ times per
    /// calibration. A plain pointer loop, because unoptimised (debug) builds, which run the tests,
    /// execute it several times faster than `for k in 0..<count` over a buffer.
    static func add(_ source: UnsafePointer<Double>, to target: UnsafeMutablePointer<Double>, count: Int) {
        var k = 0
        while k < count {
            target[k] += source[k]
            k += 1
        }
    }

    /// The M step for one item: the weighted logistic regression of the expected correct counts on
    /// the points, by Newton–Raphson with step halving, starting from the current (a, d).
    func maximise(item j: Int, counts: Counts, a: Double, d: Double,
                  slopeBounds: ClosedRange<Double>, interceptBounds: ClosedRange<Double>) -> (Double, Double) {
        let count = points.count, row = j * count
        let n = counts.expected[row..<(row + count)], r = counts.correct[row..<(row + count)]
        func logLikelihood(_ a: Double, _ d: Double) -> Double {
            var total = 0.0
            for k in 0..<count {
                let lp = TwoParameterItem(slope: a, intercept: d).logProbabilities(points[k])
                total += r[row + k] * lp.correct + (n[row + k] - r[row + k]) * lp.wrong
            }
            return total
        }
        var a = a, d = d
        for _ in 0..<50 {
            var gA = 0.0, gD = 0.0, hAA = 0.0, hAD = 0.0, hDD = 0.0
            for k in 0..<count {
                let theta = points[k]
                let p = 1 / (1 + exp(-(a * theta + d)))
                let w = n[row + k] * p * (1 - p), residual = r[row + k] - n[row + k] * p
                gA += residual * theta
                gD += residual
                hAA += w * theta * theta
                hAD += w * theta
                hDD += w
            }
            let det = hAA * hDD - hAD * hAD
            guard det > 1e-12 else { break }
            let stepA = (hDD * gA - hAD * gD) / det, stepD = (hAA * gD - hAD * gA) / det
            let current = logLikelihood(a, d)
            var scale = 1.0, nextA = a, nextD = d
            while true {
                nextA = min(max(a + scale * stepA, slopeBounds.lowerBound), slopeBounds.upperBound)
                nextD = min(max(d + scale * stepD, interceptBounds.lowerBound), interceptBounds.upperBound)
                if logLikelihood(nextA, nextD) >= current - 1e-12 { break }
                scale /= 2
                guard scale > 1e-6 else { return (a, d) }
            }
            let moved = max(abs(nextA - a), abs(nextD - d))
            a = nextA
            d = nextD
            if moved < 1e-10 { break }
        }
        return (a, d)
    }
}
