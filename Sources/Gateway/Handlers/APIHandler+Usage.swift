import Foundation
import Inference
import QianxueAPI
import QianxueCore
import Registry

extension APIHandler {
    /// Inference use in a region (summed from its counties' rollups) or a school, per day and per part.
    func getInferenceUsage(_ input: Operations.GetInferenceUsage.Input) async throws -> Operations.GetInferenceUsage.Output {
        let caller = try RequestScope.caller()
        let (from, to) = try usagePeriod(from: input.query.from, to: input.query.to)
        // This instance's requests not yet written (the ledger writes in batches) count too.
        await inference.flushLedger()
        let ledger = SQLInferenceLedger(database: database)
        var body: Components.Schemas.InferenceUsage

        if let text = input.query.school {
            try caller.require(.schoolAdmin, .bureau, .admin, to: "read inference use")
            let school = try await registry.visibleSchool(try parseUUID(text, field: "school"), to: caller)
            let rows = try await ledger.usageRows(.schools([school.id]), from: from, to: to)
            body = Self.usage(rows, from: from, to: to, parts: [])
            body.schoolId = school.id.uuidString.lowercased()
            body.schoolName = school.name
        } else {
            let region = try await registry.reportingRegion(input.query.region, for: caller, what: "inference use by region")
            let rows = try await ledger.usageRows(.counties(prefix: region.code.rawValue, includeUnattached: region.level == .province),
                                                  from: from, to: to)
            var parts: [Components.Schemas.InferenceUsagePart] = []
            if region.level == .county {
                let names = try await registry.schoolNames(in: region.code)
                let schoolRows = try await ledger.usageRows(.schools(Array(names.keys)), from: from, to: to)
                let bySchool = Dictionary(grouping: schoolRows) { $0.school! }.mapValues { $0.reduce(.zero) { $0 + $1.usage } }
                parts = bySchool.sorted { ($0.value.tokens, $0.key.uuidString) > ($1.value.tokens, $1.key.uuidString) }.prefix(100).map {
                    .init(kind: .school, id: $0.key.uuidString.lowercased(), name: names[$0.key] ?? "", usage: .init($0.value))
                }
            } else {
                parts = registry.regions.children(of: region.code).map { child in
                    let used = rows.filter { row in row.county.flatMap { RegionCode($0) }.map { child.code.contains($0) } ?? false }
                    return .init(kind: .region, id: child.code.rawValue, name: child.name, usage: .init(used.reduce(.zero) { $0 + $1.usage }))
                }
            }
            // the province's requests of staff without a school count in its totals, not in a part
            body = Self.usage(rows, from: from, to: to, parts: parts)
            body.regionCode = region.code.rawValue
            body.regionName = region.name
        }
        return .ok(.init(body: .json(body)))
    }

    /// The period asked for: `to` defaults to today, `from` to 29 days before it; at most 366 days.
    private func usagePeriod(from: String?, to: String?) throws -> (String, String) {
        func valid(_ day: String?, _ field: String) throws -> String? {
            guard let day else { return nil }
            guard PlatformCalendar.parseDay(day) != nil else {
                throw AppError.validation("'\(day)' is not a day: write YYYY-MM-DD", field: field)
            }
            return day
        }
        let last = try valid(to, "to") ?? PlatformCalendar.day(of: Date())
        let first = try valid(from, "from") ?? PlatformCalendar.day(last, plus: -29)!
        guard first <= last else { throw AppError.validation("from (\(first)) is after to (\(last))", field: "from") }
        guard PlatformCalendar.day(first, plus: 365)! >= last else {
            throw AppError.validation("a period is at most 366 days; \(first) to \(last) is longer", field: "from")
        }
        return (first, last)
    }

    private static func usage(_ rows: [UsageRow], from: String, to: String,
                              parts: [Components.Schemas.InferenceUsagePart]) -> Components.Schemas.InferenceUsage {
        let byDay = Dictionary(grouping: rows, by: \.day).mapValues { $0.reduce(.zero) { $0 + $1.usage } }
        return .init(from: from, to: to, totals: .init(rows.reduce(.zero) { $0 + $1.usage }),
                     days: PlatformCalendar.days(from: from, through: to).map { .init(day: $0, usage: .init(byDay[$0] ?? .zero)) },
                     parts: parts)
    }
}

extension Components.Schemas.InferenceUsageTotals {
    init(_ u: DailyUsage) {
        self.init(requests: u.requests, promptTokens: u.promptTokens, completionTokens: u.completionTokens, refused: u.refused, failed: u.failed)
    }
}
