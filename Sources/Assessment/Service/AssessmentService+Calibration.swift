import Foundation
import Persistence
import QianxueCore

/// What one calibration run did: the items it estimated, with their old and new parameters and fit,
/// and the items it left alone for want of responses.
public struct CalibrationReport: Sendable {
    public struct Item: Sendable {
        public let id: String
        public let before: TwoParameterItem
        public let after: TwoParameterItem
        public let respondents: Int
        /// The fit statistic's p-value; nil with too few respondents for the fit groups.
        public let fitPValue: Double?
        public let misfit: Bool
    }

    public let calibratedAt: Date
    /// Finished attempts that answered at least one calibrated item.
    public let examinees: Int
    public let cycles: Int
    public let converged: Bool
    public let logLikelihood: Double
    public let items: [Item]
    /// Items with some responses but fewer than the minimum, keeping their parameters.
    public let tooFewResponses: [(id: String, responses: Int)]
    /// Whether the new parameters were appended to the history (false for a dry run).
    public let recorded: Bool

    public var misfitting: [Item] { items.filter(\.misfit) }
}

extension AssessmentService {
    /// Re-estimates item parameters from the stored responses of finished attempts by marginal
    /// maximum likelihood (EM, `Calibration`), starting from the parameters in force. Every item
    /// with at least `minimumResponses` scored responses is estimated; the rest keep theirs.
    /// Unless `dryRun`, the new parameters are appended to `assessment_item_parameters` — earlier
    /// rows stay as they were — and this service, and other gateways within a minute, score with them.
    /// The responses are read `batchSize` rows a statement and kept packed (`ScoredResponses`).
    public func calibrate(minimumResponses: Int = 200, calibration: Calibration = Calibration(), dryRun: Bool = false,
                          batchSize: Int = 20_000) async throws -> CalibrationReport {
        guard minimumResponses >= 1 else { throw AppError.validation("the minimum number of responses is at least 1", field: "minimumResponses") }
        guard batchSize >= 1 else { throw AppError.validation("the batch size is at least 1", field: "batchSize") }
        let counts = try await ScoredResponses.counts(on: database.sql)
        let columns = counts.filter { $0.value >= minimumResponses && items.bank.item(id: $0.key) != nil }.keys.sorted()
        let tooFew = counts.filter { $0.value < minimumResponses }.sorted { $0.key < $1.key }.map { (id: $0.key, responses: $0.value) }
        guard !columns.isEmpty else {
            throw AppError.conflict("no item has \(minimumResponses) scored responses yet (most: \(counts.values.max() ?? 0)); nothing to calibrate")
        }
        let column = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        let matrix = try await ScoredResponses.matrix(columns: column, batchSize: batchSize, on: database.sql)
        let start = columns.map { items.parameters(of: $0)! }
        let result = try calibration.calibrate(matrix, start: start)
        let fit = Dictionary(uniqueKeysWithValues: result.fit.map { ($0.item, $0) })
        let misfit = Set(result.misfit.map(\.item))
        let at = now()
        let report = columns.enumerated().map { j, id in
            CalibrationReport.Item(id: id, before: start[j], after: result.items[j], respondents: result.respondents[j],
                                   fitPValue: fit[j]?.pValue, misfit: misfit.contains(j))
        }
        if !dryRun {
            try await ItemParameterHistory.append(report.map {
                ItemParameterHistory.Entry(itemID: $0.id, parameters: $0.after, examinees: $0.respondents, misfit: $0.misfit, calibratedAt: at)
            }, on: database)
        }
        if !dryRun { live.replace(try items.recalibrated(Dictionary(uniqueKeysWithValues: report.map { ($0.id, $0.after) }))) }
        logger.info("calibrated \(columns.count) items on \(matrix.examineeCount) attempts; \(misfit.count) misfitting")
        return CalibrationReport(calibratedAt: at, examinees: matrix.examineeCount, cycles: result.cycles, converged: result.converged,
                                 logLikelihood: result.logLikelihood, items: report, tooFewResponses: tooFew, recorded: !dryRun)
    }
}
