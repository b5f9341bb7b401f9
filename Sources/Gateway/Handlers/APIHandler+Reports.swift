import Foundation
import OpenAPIRuntime
import QianxueAPI
import QianxueCore
import Reports

extension APIHandler {
    func getLiteracyReport(_ input: Operations.GetLiteracyReport.Input) async throws -> Operations.GetLiteracyReport.Output {
        let q = input.query
        let (report, format) = try await pull(.literacy, ReportQuery(region: q.region, period: q.period, from: q.from, to: q.to,
                                                                     compareTo: q.compareTo, groupBy: q.groupBy),
                                              format: q.format?.rawValue, accept: input.headers.accept.map { ($0.contentType.rawValue, $0.quality.doubleValue) })
        switch format {
        case .csv: return .ok(.init(body: .csv(HTTPBody(ReportCSV.render(report)))))
        case .html: return .ok(.init(body: .html(HTTPBody(ReportHTML.render(report)))))
        case .json: return .ok(.init(body: .json(try Self.payload(report))))
        }
    }

    func getPilotProgrammeReport(_ input: Operations.GetPilotProgrammeReport.Input) async throws -> Operations.GetPilotProgrammeReport.Output {
        let q = input.query
        let (report, format) = try await pull(.pilotProgramme, ReportQuery(region: q.region, period: q.period, from: q.from, to: q.to, groupBy: q.groupBy),
                                              format: q.format?.rawValue, accept: input.headers.accept.map { ($0.contentType.rawValue, $0.quality.doubleValue) })
        switch format {
        case .csv: return .ok(.init(body: .csv(HTTPBody(ReportCSV.render(report)))))
        case .html: return .ok(.init(body: .html(HTTPBody(ReportHTML.render(report)))))
        case .json: return .ok(.init(body: .json(try Self.payload(report))))
        }
    }

    func getUsageReport(_ input: Operations.GetUsageReport.Input) async throws -> Operations.GetUsageReport.Output {
        let q = input.query
        let (report, format) = try await pull(.usage, ReportQuery(region: q.region, period: q.period, from: q.from, to: q.to, groupBy: q.groupBy),
                                              format: q.format?.rawValue, accept: input.headers.accept.map { ($0.contentType.rawValue, $0.quality.doubleValue) })
        switch format {
        case .csv: return .ok(.init(body: .csv(HTTPBody(ReportCSV.render(report)))))
        case .html: return .ok(.init(body: .html(HTTPBody(ReportHTML.render(report)))))
        case .json: return .ok(.init(body: .json(try Self.payload(report))))
        }
    }

    func getTeachersReport(_ input: Operations.GetTeachersReport.Input) async throws -> Operations.GetTeachersReport.Output {
        let q = input.query
        let (report, format) = try await pull(.teachers, ReportQuery(region: q.region, period: q.period, from: q.from, to: q.to, groupBy: q.groupBy),
                                              format: q.format?.rawValue, accept: input.headers.accept.map { ($0.contentType.rawValue, $0.quality.doubleValue) })
        switch format {
        case .csv: return .ok(.init(body: .csv(HTTPBody(ReportCSV.render(report)))))
        case .html: return .ok(.init(body: .html(HTTPBody(ReportHTML.render(report)))))
        case .json: return .ok(.init(body: .json(try Self.payload(report))))
        }
    }

    private enum ReportFormat { case json, csv, html }

    /// Builds the report and picks its format: `format` if given, else the highest-ranked of
    /// Accept's JSON, CSV and HTML (JSON on a tie or when none is named).
    private func pull(_ kind: ReportKind, _ query: ReportQuery, format: String?, accept: [(String, Double)]) async throws -> (Report, ReportFormat) {
        let report = try await reports.report(kind, query, for: RequestScope.caller(), requestID: RequestScope.requestID)
        switch format {
        case "csv": return (report, .csv)
        case "html": return (report, .html)
        case "json": return (report, .json)
        default:
            func rank(_ type: String) -> Double { accept.filter { $0.0 == type }.map(\.1).max() ?? 0 }
            let json = rank("application/json"), csv = rank("text/csv"), html = rank("text/html")
            if csv > json, csv >= html { return (report, .csv) }
            if html > json, html > csv { return (report, .html) }
            return (report, .json)
        }
    }

    /// The report as the contract's JSON: the model's own encoding, read back as the generated type.
    private static func payload(_ report: Report) throws -> Components.Schemas.Report {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Components.Schemas.Report.self, from: encoder.encode(report))
    }
}
