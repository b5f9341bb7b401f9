import FluentKit
import Foundation
import Persistence
import QianxueCore
import Registry
import SQLKit

/// The regional decision reports: each pull resolves the caller's area, reads the per-school
/// rollups, suppresses small cells and writes an audit event.
public struct ReportsService: Sendable {
    let database: DatabaseStack
    let audit: AuditLog
    let registry: RegistryService
    let now: @Sendable () -> Date

    public init(database: DatabaseStack, audit: AuditLog, registry: RegistryService,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.audit = audit
        self.registry = registry
        self.now = now
    }

    var sql: any SQLDatabase { database.sql }

    /// Builds one report for the caller; every pull is audited, refused ones are not.
    public func report(_ kind: ReportKind, _ query: ReportQuery, for p: Principal, requestID: String? = nil) async throws -> Report {
        let grouping = try query.grouping(for: kind)
        let area = try await area(query.region, for: p)
        let period = try query.period(for: kind, today: PlatformCalendar.day(of: now()))
        var report: Report
        switch kind {
        case .literacy: report = try await literacy(area: area, period: period, compareTo: try query.comparison(), grouping: grouping)
        case .usage: report = try await usage(area: area, period: period, grouping: grouping)
        case .teachers: report = try await teachers(area: area, period: period, grouping: grouping)
        case .pilotProgramme: report = try await pilotProgramme(area: area, period: period, grouping: grouping)
        }
        try await audit.append(AuditEvent(
            actorID: p.userID, actorRole: p.role, action: "report.pull", targetType: "report", targetID: kind.rawValue,
            purpose: "regional report", requestID: requestID,
            detail: "region=\(area.unit.code) period=\(period.term ?? "\(period.from)..\(period.to)") groupBy=\(grouping.rawValue)"))
        return report
    }
}
