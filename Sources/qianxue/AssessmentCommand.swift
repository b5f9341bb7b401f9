import ArgumentParser
import Assessment
import Curriculum
import Foundation
import Gateway

/// `qianxue assessment …`: calibration of the AI-literacy item bank and its parameter history.
struct AssessmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assessment",
        abstract: "Calibrate the AI-literacy item bank and read its parameter history.",
        subcommands: [Calibrate.self, Parameters.self, ExportQTI.self, ImportQTI.self])

    struct Calibrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-estimate item parameters (2PL, MML-EM) from the stored responses of finished attempts and report misfitting items.",
            discussion: """
            Items with at least --min-responses scored responses are estimated, starting from the parameters in force;
            the others keep theirs. The new parameters are appended to the history (assessment_item_parameters; earlier
            rows are never changed); running gateways take them in within a minute. Misfit: the posterior-predictive
            chi-square's p-value below --alpha. Exits 0 with misfitting items too: they are for review, not an error.
            """)

        @Option(help: "Fewest scored responses an item needs to be estimated.") var minResponses = 200
        @Option(help: "Misfit when the fit statistic's p-value is below this.") var alpha = 0.01
        @Flag(help: "Estimate and report without recording anything.") var dryRun = false
        @Option(help: "Responses read from the database per statement (memory holds one batch of rows besides 4 bytes a response).")
        var batchSize = 20_000
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard (0.0..<1).contains(alpha), alpha > 0 else { throw ValidationError("--alpha must lie between 0 and 1") }
            guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
            let report = try await CLI.withPlatform(flags: database.flags) { p in
                try await p.assessment.calibrate(minimumResponses: minResponses, calibration: Calibration(misfitAlpha: alpha), dryRun: dryRun,
                                           batchSize: batchSize)
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

    struct ExportQTI: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-qti",
            abstract: "Write the item bank as a QTI 3.0 package (imsmanifest.xml and items/<id>.xml) into DIR; keys included, so keep it among staff.")
        @Argument(help: "The folder to write into (created if missing).") var dir: String
        @Option(help: "Curriculum folder.") var curriculum = "Curriculum"

        func run() throws {
            let root = URL(fileURLWithPath: curriculum)
            let (content, _) = CurriculumLoader.load(from: root)
            let (bank, problems) = ItemBankLoader.load(from: root.appendingPathComponent("assessment"), sources: content.sources)
            guard problems.isEmpty else { throw CommandFailure("the item bank has \(problems.count) problems; run qianxue curriculum lint") }
            try QTIPackage.write(bank.items, to: URL(fileURLWithPath: dir))
            print("wrote \(bank.items.count) items and imsmanifest.xml to \(dir)")
        }
    }

    struct ImportQTI: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-qti",
            abstract: "Read a QTI 3.0 package (as export-qti writes it) into an item file of the bank's format, then lint the bank with it.",
            discussion: "Items need the package's qx:item metadata (competency, bands, difficulty). Nothing is written when any item is refused.")
        @Argument(help: "The package folder (with imsmanifest.xml).") var dir: String
        @Option(help: "The item file to write, e.g. Curriculum/assessment/imported.yaml.") var out: String

        func run() throws {
            let (items, problems) = QTIImport.items(in: URL(fileURLWithPath: dir))
            for p in problems { print(p) }
            guard problems.isEmpty else { throw ExitCode(1) }
            guard !FileManager.default.fileExists(atPath: out) else { throw CommandFailure("\(out) exists; name a new file") }
            try ItemYAML.yaml(items, header: "Imported from the QTI 3.0 package \(dir); review before publishing.")
                .write(toFile: out, atomically: true, encoding: .utf8)
            let folder = URL(fileURLWithPath: out).deletingLastPathComponent()
            let lint = ItemBankLoader.load(from: folder)
            for p in lint.diagnostics { print(p) }
            print("wrote \(items.count) items to \(out)" + (lint.diagnostics.isEmpty ? "; the bank passes the lint" : "; \(lint.diagnostics.count) lint problems"))
            if !lint.diagnostics.isEmpty { throw ExitCode(1) }
        }
    }
}
