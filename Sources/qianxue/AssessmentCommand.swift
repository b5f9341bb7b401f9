import ArgumentParser
import Assessment
import Foundation
import Gateway

/// `qianxue assessment …`: calibration of the AI-literacy item bank and its parameter history.
struct AssessmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assessment",
        abstract: "Calibrate the AI-literacy item bank and read its parameter history.",
        subcommands: [Calibrate.self, Parameters.self])

    struct Calibrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-estimate item parameters (2PL, MML-EM) from the stored responses of finished attempts and report misfitting items.",
            discussion: """
            Items with at least --min-responses scored responses are estimated, starting from the parameters in force;
            the others keep theirs. The new parameters are appended to the history (assessment_item_parameters; earlier
            rows are never changed) and a gateway uses them from its next start. Misfit: the posterior-predictive
            chi-square's p-value below --alpha. Exits 0 with misfitting items too: they are for review, not an error.
            """)

        @Option(help: "Fewest scored responses an item needs to be estimated.") var minResponses = 200
        @Option(help: "Misfit when the fit statistic's p-value is below this.") var alpha = 0.01
        @Flag(help: "Estimate and report without recording anything.") var dryRun = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard (0.0..<1).contains(alpha), alpha > 0 else { throw ValidationError("--alpha must lie between 0 and 1") }
            let report = try await CLI.withPlatform(flags: database.flags) { p in
                try await p.assessment.calibrate(minimumResponses: minResponses, calibration: Calibration(misfitAlpha: alpha), dryRun: dryRun)
            }
            print("calibrated \(report.items.count) items on \(report.examinees) attempts: \(report.cycles) EM cycles, "
                + (report.converged ? "converged" : "NOT converged") + String(format: ", log-likelihood %.2f", report.logLikelihood))
            print(["item", "n", "a before", "a", "b before", "b", "fit p", ""].joined(separator: "\t"))
            for i in report.items {
                print([i.id, String(i.respondents), f(i.before.a), f(i.after.a), f(i.before.b), f(i.after.b),
                       i.fitPValue.map { String(format: "%.4f", $0) } ?? "—", i.misfit ? "MISFIT" : ""].joined(separator: "\t"))
            }
            if !report.tooFewResponses.isEmpty {
                print("kept (fewer than \(minResponses) responses): " + report.tooFewResponses.map { "\($0.id) (\($0.responses))" }.joined(separator: ", "))
            }
            let misfit = report.misfitting.map(\.id)
            print(misfit.isEmpty ? "no misfitting items" : "misfitting, to review: \(misfit.joined(separator: ", "))")
            print(report.recorded ? "appended to the parameter history at \(ISO8601DateFormatter().string(from: report.calibratedAt))"
                : "dry run: nothing recorded")
        }

        private func f(_ x: Double) -> String { String(format: "%.3f", x) }
    }

    struct Parameters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An item's calibrated parameters, oldest first; the last line is in force.")
        @Argument(help: "The item's id, e.g. ta-u-004.") var item: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let entries = try await CLI.withPlatform(flags: database.flags) { p in
                guard p.assessment.items.bank.item(id: item) != nil else { throw CommandFailure("the item bank has no item \(item)") }
                return try await ItemParameterHistory.entries(of: item, on: p.database)
            }
            if entries.isEmpty { print("\(item) has not been calibrated; it is scored with the parameters in its file or its authors' difficulty") }
            for e in entries {
                print([ISO8601DateFormatter().string(from: e.calibratedAt), String(format: "a %.3f", e.parameters.a),
                       String(format: "b %.3f", e.parameters.b), "n \(e.examinees)", e.misfit ? "MISFIT" : ""].joined(separator: "\t"))
            }
        }
    }
}
