import ArgumentParser
import Foundation
import OpenAPIRuntime
import QianxueAPI

/// `qx report`: the bureau's regional reports, as a table in the terminal or a CSV/HTML file to hand on.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Pull a regional report: literacy, pilot, usage or teachers.",
        discussion: """
        Examples:
          qx report literacy --region 5203 --period 2026-2027-1
          qx report literacy --region 520302 --compare-to 2025-2026-2 --format html --out zunyi.html
          qx report usage --region 5203 --group-by week --format csv --out usage.csv
          qx report pilot --format html --out pilot.html
        Cells about fewer than 10 students read <10; cells hidden so those cannot be worked out read *.
        """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case literacy, pilot, usage, teachers
    }

    enum FileFormat: String, ExpressibleByArgument, CaseIterable {
        case table, csv, html
    }

    @Argument(help: "literacy, pilot, usage or teachers.") var kind: Kind
    @Option(help: "Region code (52, 5203, 520302), or guian for the Gui'an New Area; default your whole scope.") var region: String?
    @Option(help: "A term such as 2026-2027-1 (default: the current term).") var period: String?
    @Option(help: "First day (YYYY-MM-DD), with --to, instead of --period.") var from: String?
    @Option(help: "Last day (YYYY-MM-DD).") var to: String?
    @Option(name: .customLong("compare-to"), help: "literacy: a second term to compare with.") var compareTo: String?
    @Option(name: .customLong("group-by"), help: "region, school, band, locality, pilot or week (each report offers some).") var groupBy: String?
    @Option(help: "table (in the terminal), csv or html.") var format: FileFormat = .table
    @Option(help: "Write the report to this file (needed for html; csv goes to the terminal without it).") var out: String?
    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if format == .html, out == nil { throw ValidationError("an HTML report goes to a file: add --out report.html") }
        if compareTo != nil, kind != .literacy { throw ValidationError("--compare-to is for the literacy report") }
    }

    func run() async throws {
        let session = try Session(options, timeout: .seconds(300))
        let progress = ProgressSpinner.start("正在生成\(kind.title)…")
        let fetched: Fetched
        do {
            fetched = try await session.call { try await fetch(session.client) }
        } catch {
            progress.stop()
            throw error
        }
        switch fetched {
        case .report(let report):
            progress.stop()
            if options.output == .json { return try printJSON(report) }
            if let out {
                try printJSON(report, to: out)
                return print("已写入 \(out)")
            }
            ReportTable.print(report)
        case .file(let body):
            let data = try await progress.collect(body)
            progress.stop()
            if let out {
                try data.write(to: URL(fileURLWithPath: out))
                print("已写入 \(out)（\(ByteCountFormatter.string(fromByteCount: Int64(data.count), countStyle: .file))）")
            } else {
                FileHandle.standardOutput.write(data)
            }
        }
    }

    enum Fetched {
        case report(Components.Schemas.Report)
        case file(HTTPBody)
    }

    private var wire: String? { format == .table ? "json" : format.rawValue }

    private func fetch(_ client: Client) async throws -> Fetched {
        func unpack(_ json: () throws -> Components.Schemas.Report, _ csv: () throws -> HTTPBody, _ html: () throws -> HTTPBody) throws -> Fetched {
            switch format {
            case .table: return .report(try json())
            case .csv: return .file(try csv())
            case .html: return .file(try html())
            }
        }
        switch kind {
        case .literacy:
            let q = Operations.GetLiteracyReport.Input.Query(region: region, period: period, from: from, to: to, groupBy: groupBy,
                                                             format: wire.flatMap { .init(rawValue: $0) }, compareTo: compareTo)
            switch try await client.getLiteracyReport(query: q) {
            case .ok(let ok): return try unpack({ try ok.body.json }, { try ok.body.csv }, { try ok.body.html })
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        case .pilot:
            let q = Operations.GetPilotProgrammeReport.Input.Query(region: region, period: period, from: from, to: to, groupBy: groupBy,
                                                                   format: wire.flatMap { .init(rawValue: $0) })
            switch try await client.getPilotProgrammeReport(query: q) {
            case .ok(let ok): return try unpack({ try ok.body.json }, { try ok.body.csv }, { try ok.body.html })
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        case .usage:
            let q = Operations.GetUsageReport.Input.Query(region: region, period: period, from: from, to: to, groupBy: groupBy,
                                                          format: wire.flatMap { .init(rawValue: $0) })
            switch try await client.getUsageReport(query: q) {
            case .ok(let ok): return try unpack({ try ok.body.json }, { try ok.body.csv }, { try ok.body.html })
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        case .teachers:
            let q = Operations.GetTeachersReport.Input.Query(region: region, period: period, from: from, to: to, groupBy: groupBy,
                                                             format: wire.flatMap { .init(rawValue: $0) })
            switch try await client.getTeachersReport(query: q) {
            case .ok(let ok): return try unpack({ try ok.body.json }, { try ok.body.csv }, { try ok.body.html })
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        }
    }
}

extension ReportCommand.Kind {
    var title: String {
        switch self {
        case .literacy: return "素养测评报告"
        case .pilot: return "试点校进展报告"
        case .usage: return "使用与安全报告"
        case .teachers: return "教师培训报告"
        }
    }
}

private func printJSON<T: Encodable>(_ value: T, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    try encoder.encode(value).write(to: URL(fileURLWithPath: path))
}
