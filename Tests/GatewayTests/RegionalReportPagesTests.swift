import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Persistence
import QianxueCore
import Registry
import SQLKit
import Testing
import TestSupport

/// The four reports as an analyst opens them: each HTML page, made by the server from stored
/// data, rendered by headless Chromium, with its charts and tables present; the screenshots are
/// kept under docs/reports/.
@Suite struct RegionalReportPagesTests {
    /// Usage over three weeks in three Zunyi schools, one teacher active in two of them, and flags.
    static func seedUsage(_ f: GatewayFixture, schools: [UUID]) async throws {
        let sql = f.platform.database.sql
        let rollups = Rollups()
        for (i, school) in schools.enumerated() {
            for day in PlatformCalendar.days(from: "2026-11-02", through: "2026-11-20") {
                let weekday = PlatformCalendar.calendar.component(.weekday, from: PlatformCalendar.calendar.date(from: PlatformCalendar.parseDay(day)!)!)
                guard (2...6).contains(weekday) else { continue }
                let scale = i + 1
                try await rollups.addUsage(school: school, day: day, UsageCounts(
                    companionSessions: 12 * scale, companionMinutes: 95 * scale, assistantDrafts: 2 * scale,
                    inferenceRequests: 60 * scale, offlineRequests: day.hasSuffix("05") ? 20 * scale : scale,
                    promptTokens: 30_000 * scale, completionTokens: 12_000 * scale,
                    flags: day.hasSuffix("10") ? 3 * scale : 0, severeFlags: day.hasSuffix("10") && i == 2 ? 1 : 0,
                    flagsAcknowledged: day.hasSuffix("10") ? 3 * scale : 0, ackSeconds: day.hasSuffix("10") ? 5400 * scale : 0), on: sql)
            }
        }
        for day in ["2026-11-03", "2026-11-10"] {
            try await rollups.teacherActive(user: f.teacherA.id, school: f.schoolA.id, day: day, on: sql)
        }
    }

    @Test(arguments: [DatabaseEngine.sqlite])
    func eachReportPageShowsItsChartsAndTablesInABrowser(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            // given
            let ids = try await RegionalReportTests.seedLiteracy(f)
            try await Self.seedUsage(f, schools: [ids.small, ids.large, ids.other])
            let docs = Repository.root.appendingPathComponent("docs/reports")
            try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
            try await f.app().test(.router) { client in
                let token = try await RegionalReportTests.analyst(f, client)
                let pages = [("literacy", "literacy?region=5203&period=2026-2027-1"), ("literacy-county", "literacy?region=520302&period=2026-2027-1"),
                             ("pilot-programme", "pilot-programme?region=5203&period=2026-2027-1"),
                             ("usage", "usage?region=5203&from=2026-11-02&to=2026-11-22&groupBy=week"),
                             ("teachers", "teachers?region=5203&period=2026-2027-1")]
                for (name, query) in pages {
                    // when
                    let html: String = try await client.execute(uri: "/v1/reports/\(query)&format=html", method: .get, headers: bearer(token)) { r in
                        #expect(r.status == .ok, "\(name)")
                        return r.text
                    }
                    let dom = try await Chromium.dumpDOM(html: html)
                    let png = docs.appendingPathComponent("\(name).png")
                    try await Chromium.screenshot(html: html, to: png, width: 1280, height: 1800)
                    // then
                    #expect(dom.components(separatedBy: "<svg").count - 1 >= 1, "\(name): a chart")
                    #expect(dom.components(separatedBy: "<rect").count - 1 >= 3, "\(name): bars in the chart")
                    #expect(dom.components(separatedBy: "<table").count - 1 >= 1, "\(name): a table")
                    #expect(dom.components(separatedBy: "<tr").count - 1 >= 3, "\(name): table rows")
                    #expect(dom.contains("遵义市") || dom.contains("红花岗区"), "\(name): the area's name")
                    let size = (try FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int) ?? 0
                    #expect(size > 20_000, "\(name): a screenshot with something on it (\(size) bytes)")
                }
                // The weekly adoption: one teacher, active in two of the three weeks.
                try await client.execute(uri: "/v1/reports/usage?region=5203&from=2026-11-02&to=2026-11-22&groupBy=week", method: .get,
                                         headers: bearer(token)) { r in
                    let adoption = (r.json["sections"] as? [[String: Any]])?.first { $0["id"] as? String == "adoption" }
                    let rows = adoption?["rows"] as? [[String: Any]] ?? []
                    let cells = rows.map { $0["cells"] as? [String: Any] ?? [:] }
                    #expect(cells.map { $0["adoption"] as? Double } == [66.7, 100, 100, 0], "\(cells)")
                    #expect(cells.first?["weeklyActiveTeachers"] as? Double == 0.7)
                }
                // The county page shows the small school's level-C count as <10.
                let county = try await client.execute(uri: "/v1/reports/literacy?region=520302&period=2026-2027-1&format=html", method: .get,
                                                      headers: bearer(token)) { $0.text }
                #expect(county.contains("&lt;10"))
            }
        }
    }
}
