import Foundation
import Reports
import Testing
@testable import TestSupport

/// The HTML report opened in a real browser: what an analyst sees, kept as screenshots in
/// docs/reports (fixture-*.png until a test on real data writes its own).
@Suite struct ReportChromiumTests {
    @Test(arguments: [ReportKind.literacy, .usage])
    func fixtureReportRendersWithChartsAndTablesInChromium(kind: ReportKind) async throws {
        // given
        try #require(Chromium.executable != nil, "\(Chromium.Failure.notInstalled)")
        let hasChineseFont = await Chromium.hasChineseFont()
        try #require(hasChineseFont, "no font with Chinese glyphs (fc-list :lang=zh is empty): ops/test installs fonts-noto-cjk")
        let report = try #require(ReportFixtures.all.first { $0.kind == kind })
        let html = ReportHTML.render(report)
        let png = Repository.root.appendingPathComponent("docs/reports/fixture-\(kind.rawValue).png")

        // when
        try await Chromium.screenshot(html: html, to: png, width: 1280, height: Self.pageHeight(report))
        let dom = try await Chromium.dumpDOM(html: html)

        // then
        let bytes = try Data(contentsOf: png)
        #expect(bytes.count > 10_000, "\(png.path) is only \(bytes.count) bytes")
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(png.path) is not a PNG")
        let charts = dom.components(separatedBy: "<svg").dropFirst()
        #expect(charts.count == report.sections.filter { $0.chart != nil }.count)
        for chart in charts {
            let svg = chart.components(separatedBy: "</svg>")[0]
            #expect(count("<rect", in: svg) >= 4, "a chart without bars")
        }
        let tables = dom.components(separatedBy: "<table").dropFirst()
        #expect(tables.count == report.sections.count)
        for (section, table) in zip(report.sections, tables) {
            #expect(count("<tr", in: table.components(separatedBy: "</table>")[0]) == section.rows.count + 1)
            for row in section.rows { #expect(table.contains(row.label)) }
        }
    }

    @Test func aBrowserRunPastItsDeadlineIsKilledWithAClearError() async {
        // given
        let start = Date()
        // when
        let error = await #expect(throws: Chromium.Failure.self) { try await Chromium.run("/bin/sleep", ["30"], seconds: 1) }
        // then
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(error?.description == "chromium did not finish within 1 s and was killed")
    }

    /// Tall enough for the whole page, so the screenshot shows every section.
    static func pageHeight(_ report: Report) -> Int {
        let sections = report.sections.map { s in 140 + s.rows.count * 31 + (s.chart == nil ? 0 : 90 + s.rows.count * (s.chart!.style == .stacked ? 26 : 8 + 14 * s.chart!.columns.count)) }
        return 420 + sections.reduce(0, +)
    }
}
