import Foundation

/// Item calibration for the 2PL by marginal maximum likelihood with the EM algorithm of Bock and
/// Aitkin (1981), as mirt does it: abilities are integrated over a quadrature with a N(0, 1) prior,
/// which fixes the scale (the calibration sample has mean 0 and SD 1).
///
/// The response matrix may have holes: an examinee contributes only the items they answered, as
/// adaptive data requires (missing at random given ability). An item nobody answered keeps its start
/// values. Slopes and intercepts are kept within `slopeBounds` and `interceptBounds`, so an item that
/// everyone answers correctly, or one that discriminates backwards, stays finite and shows in the fit.
public struct Calibration: Sendable {
    public var quadrature: Quadrature
    public var slopeBounds: ClosedRange<Double>
    public var interceptBounds: ClosedRange<Double>
    /// An item is reported as misfitting when its fit statistic's p-value is below this.
    public var misfitAlpha: Double
    /// Respondents are split into at most this many groups for the fit statistic.
    public var fitGroups: Int
    /// Fewest respondents per fit group; an item with fewer than three groups' worth gets no fit statistic.
    public var minimumGroupSize: Int

    public init(quadrature: Quadrature = .standard, slopeBounds: ClosedRange<Double> = 0.05...8,
                interceptBounds: ClosedRange<Double> = -30...30, misfitAlpha: Double = 0.01,
                fitGroups: Int = 10, minimumGroupSize: Int = 20) {
        self.quadrature = quadrature
        self.slopeBounds = slopeBounds
        self.interceptBounds = interceptBounds
        self.misfitAlpha = misfitAlpha
        self.fitGroups = fitGroups
        self.minimumGroupSize = minimumGroupSize
    }

    /// Estimates every item's parameters from `responses` (one row per examinee, one column per item,
    /// nil where the examinee did not see the item).
    ///
    /// EM stops when no slope or intercept moved by more than `tolerance` in a cycle, or after
    /// `maxCycles`. Without `start`, slopes start at 1 and intercepts at the logit of the proportion
    /// correct. The result's log-likelihood and fit are those of the final parameters.
    public func calibrate(responses: [[Bool?]], start: [TwoParameterItem]? = nil,
                          maxCycles: Int = 5_000, tolerance: Double = 1e-5) throws -> CalibrationResult {
        try calibrate(ResponseMatrix(responses), start: start, maxCycles: maxCycles, tolerance: tolerance)
    }

    /// As `calibrate(responses:…)`, on responses already packed (as the service reads them from the database).
    func calibrate(_ data: ResponseMatrix, start: [TwoParameterItem]?, maxCycles: Int = 5_000,
                   tolerance: Double = 1e-5) throws -> CalibrationResult {
        if let start, start.count != data.itemCount {
            throw CalibrationError.startCount(start.count, expected: data.itemCount)
        }
        var slopes = [Double](), intercepts = [Double]()
        for j in 0..<data.itemCount {
            if let item = start?[j] {
                slopes.append(min(max(item.a, slopeBounds.lowerBound), slopeBounds.upperBound))
                intercepts.append(min(max(item.intercept, interceptBounds.lowerBound), interceptBounds.upperBound))
            } else {
                let p = (Double(data.correctCounts[j]) + 0.5) / (Double(data.respondents[j]) + 1)
                // Integrating over N(0, 1) flattens a slope-1 item's curve by about √(1 + 1/1.7²) ≈ 1.16.
                slopes.append(1)
                intercepts.append(1.16 * log(p / (1 - p)))
            }
        }
        let engine = ExpectationMaximisation(data: data, quadrature: quadrature)
        var cycles = 0, converged = false
        while cycles < maxCycles && !converged {
            cycles += 1
            let counts = engine.expectedCounts(slopes: slopes, intercepts: intercepts)
            var largestChange = 0.0
            for j in 0..<data.itemCount where data.respondents[j] > 0 {
                let (a, d) = engine.maximise(item: j, counts: counts, a: slopes[j], d: intercepts[j],
                                             slopeBounds: slopeBounds, interceptBounds: interceptBounds)
                largestChange = max(largestChange, abs(a - slopes[j]), abs(d - intercepts[j]))
                slopes[j] = a
                intercepts[j] = d
            }
            converged = largestChange < tolerance
        }
        let items = zip(slopes, intercepts).map { TwoParameterItem(slope: $0, intercept: $1) }
        let final = engine.expectedCounts(slopes: slopes, intercepts: intercepts)
        let fit = engine.fit(slopes: slopes, intercepts: intercepts, groups: fitGroups, minimumGroupSize: minimumGroupSize)
        return CalibrationResult(items: items, cycles: cycles, converged: converged, logLikelihood: final.logLikelihood,
                                 respondents: data.respondents, fit: fit, misfit: fit.filter { $0.pValue < misfitAlpha })
    }
}

/// What a calibration found: the items' parameters, how EM went, and how well each item fits.
public struct CalibrationResult: Sendable, Hashable, Codable {
    /// The estimated items, in the columns' order.
    public let items: [TwoParameterItem]
    /// EM cycles run.
    public let cycles: Int
    /// Whether the parameters settled within the tolerance before the cycle limit.
    public let converged: Bool
    /// The marginal log-likelihood of the responses under the estimated items.
    public let logLikelihood: Double
    /// How many examinees answered each item.
    public let respondents: [Int]
    /// The fit of every item with enough respondents (see `ItemFit`).
    public let fit: [ItemFit]
    /// The items whose fit p-value is below the calibration's `misfitAlpha`.
    public let misfit: [ItemFit]
}

/// Why a response matrix cannot be calibrated.
public enum CalibrationError: Error, Equatable, Sendable {
    /// The matrix has no columns.
    case noItems
    /// A row's length differs from the first row's.
    case raggedRow(index: Int, count: Int, expected: Int)
    /// `start` has a different number of items than the matrix has columns.
    case startCount(Int, expected: Int)
    /// Not a single response in the matrix.
    case noResponses
}

/// The observed responses of a matrix with holes, packed examinee by examinee: 4 bytes a response
/// and 8 an examinee, whatever the number of items.
struct ResponseMatrix: Sendable {
    let itemCount: Int
    /// Examinee i's responses are `codes[offsets[i]..<offsets[i + 1]]`; examinees without any are left out.
    let offsets: [Int]
    /// item × 2 + (1 when correct).
    let codes: [Int32]
    let respondents: [Int]
    let correctCounts: [Int]

    init(_ rows: [[Bool?]]) throws {
        guard let width = rows.first?.count, width > 0 else { throw CalibrationError.noItems }
        var packer = Packer(itemCount: width)
        for (i, row) in rows.enumerated() {
            guard row.count == width else { throw CalibrationError.raggedRow(index: i, count: row.count, expected: width) }
            for (j, x) in row.enumerated() {
                if let x { packer.add(item: j, correct: x) }
            }
            packer.endExaminee()
        }
        self = try packer.matrix()
    }

    fileprivate init(itemCount: Int, offsets: [Int], codes: [Int32], respondents: [Int], correctCounts: [Int]) {
        self.itemCount = itemCount
        self.offsets = offsets
        self.codes = codes
        self.respondents = respondents
        self.correctCounts = correctCounts
    }

    var examineeCount: Int { offsets.count - 1 }

    /// Builds a matrix one response at a time, an examinee's responses together, without ever
    /// holding a row per examinee.
    struct Packer {
        let itemCount: Int
        private var offsets = [0]
        private var codes: [Int32] = []
        private var respondents: [Int]
        private var correct: [Int]

        init(itemCount: Int) {
            self.itemCount = itemCount
            respondents = [Int](repeating: 0, count: itemCount)
            correct = respondents
        }

        /// The current examinee's response to item `item` (a column below `itemCount`).
        mutating func add(item: Int, correct isCorrect: Bool) {
            codes.append(Int32(item * 2 + (isCorrect ? 1 : 0)))
            respondents[item] += 1
            if isCorrect { correct[item] += 1 }
        }

        /// Closes the current examinee; one who answered nothing is left out.
        mutating func endExaminee() {
            if codes.count > offsets[offsets.count - 1] { offsets.append(codes.count) }
        }

        /// The packed matrix (closing the current examinee).
        mutating func matrix() throws -> ResponseMatrix {
            guard itemCount > 0 else { throw CalibrationError.noItems }
            endExaminee()
            guard !codes.isEmpty else { throw CalibrationError.noResponses }
            return ResponseMatrix(itemCount: itemCount, offsets: offsets, codes: codes, respondents: respondents, correctCounts: correct)
        }
    }
}
