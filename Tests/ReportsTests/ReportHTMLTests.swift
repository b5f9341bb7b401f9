import Foundation
import Reports
import Testing

@Suite struct ReportHTMLTests {
    @Test func htmlEscapesMarkupInEveryTextItShows() {
        // given
        let evil = "<script>alert(\"x\")</script>"
        let section = ReportSection(
            id: "s", title: "标题\(evil)", columns: [.init("n", "人数\(evil)", .students), .init("t", "备注", .text)],
            rows: [ReportRow(key: "a", label: "学校\(evil)", role: .group, cells: ["n": .count(40), "t": .text(evil)])],
            chart: ReportChart(title: "图\(evil)", style: .bars, columns: ["n"]))
        var report = Self.report(sections: [section])
        report.unit = ReportUnit(code: "x", name: "单位\(evil)", level: .school)
        report.notes = ["说明\(evil)"]
        // when
        let html = ReportHTML.render(report)
        // then
        #expect(!html.contains("<script"))
        #expect(html.components(separatedBy: "&lt;script&gt;").count - 1 >= 8)
    }

    @Test func htmlHasOneTablePerSectionAndOneChartPerChartedSection() {
        // given
        let report = ReportFixtures.literacy()
        // when
        let html = ReportHTML.render(report)
        // then
        #expect(count("<table", in: html) == report.sections.count)
        #expect(count("<svg", in: html) == report.sections.filter { $0.chart != nil }.count)
        #expect(count("<h2>", in: html) == report.sections.count)
        #expect(count("role=\"img\"", in: html) == report.sections.filter { $0.chart != nil }.count)
    }

    @Test func htmlShowsSuppressedAndWithheldCellsWithTheirOwnClasses() {
        // given
        let report = ReportFixtures.literacy()
        let cells = report.sections.flatMap { s in s.rows.flatMap { r in s.columns.map { r[$0.key] } } }
        // when
        let html = ReportHTML.render(report)
        // then
        let suppressed = cells.filter { $0 == .suppressed }.count, withheld = cells.filter { $0 == .withheld }.count
        #expect(suppressed > 0 && withheld > 0)
        #expect(count("<td class=\"num suppressed\" title=\"少于10名学生，不显示具体数字\">&lt;10</td>", in: html) == suppressed)
        #expect(count("class=\"num withheld\"", in: html) == withheld)
        #expect(count(">*</td>", in: html) == withheld)
    }

    @Test func htmlIsSelfContainedAndPrintable() {
        // given
        let html = ReportHTML.render(ReportFixtures.usage())
        // then
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<html lang=\"zh-CN\">") && html.contains("<meta charset=\"utf-8\">"))
        for outside in ["http://", "https://", "<script", "<link", "@import", "@font-face", "<img", "<iframe"] {
            #expect(!html.contains(outside), "the page must stand alone: found \(outside)")
        }
        #expect(html.replacingOccurrences(of: "url(#", with: "").contains("url(") == false)
        #expect(html.contains("\"Noto Sans CJK SC\"") && html.contains("\"WenQuanYi Micro Hei\"") && html.contains("sans-serif;"))
        #expect(html.contains("@page { size: A4 landscape;") && html.contains("@media print"))
        #expect(html.contains("tr, figure.chart { break-inside: avoid; }"))
    }

    @Test func headerGivesUnitPeriodTermComparisonGroupingAndShanghaiTime() {
        // when
        let html = ReportHTML.render(ReportFixtures.usage())
        // then
        #expect(html.contains("<h1>人工智能使用与安全报告</h1>"))
        #expect(html.contains("<dd>汇川区（区县）</dd>"))
        #expect(html.contains("<dd>2026-09-01 至 2027-01-31（2026—2027 学年第一学期）</dd>"))
        #expect(html.contains("<dt>对比时段</dt><dd>2026-02-01 至 2026-08-31（2025—2026 学年第二学期）</dd>"))
        #expect(html.contains("<dd>按周</dd>"))
        #expect(html.contains("<dd>2026-11-30 09:05（北京时间）</dd>"))
    }

    @Test func tableMarksTotalsOverlapsPercentagesAndRightAlignsNumbers() {
        // given
        let section = ReportSection(
            id: "s", title: "参测", columns: [.init("n", "参测学生", .students), .init("rate", "参测率", .percent)],
            rows: [
                ReportRow(key: "52", label: "贵州省", role: .total, cells: ["n": .count(123_456), "rate": .number(87.5)]),
                ReportRow(key: "5201", label: "贵阳市", role: .group, cells: ["n": .count(20_000), "rate": .number(90)]),
                ReportRow(key: "guian", label: "贵安新区", role: .overlap, cells: ["n": .count(3_000), "rate": .missing]),
            ])
        // when
        let html = ReportHTML.render(Self.report(sections: [section]))
        // then
        #expect(html.contains("<tr class=\"total\"><th scope=\"row\">贵州省</th><td class=\"num\">123,456</td><td class=\"num\">87.5%</td></tr>"))
        #expect(html.contains("<tr class=\"overlap\"><th scope=\"row\">贵安新区 †</th><td class=\"num\">3,000</td><td class=\"num missing\"></td></tr>"))
        #expect(html.contains("不计入合计"))
        #expect(html.contains("<th scope=\"col\" class=\"num\">参测率</th>"))
    }

    @Test func footerHasTheNotesAndExplainsSuppression() {
        // given
        let report = ReportFixtures.literacy()
        // when
        let html = ReportHTML.render(report)
        // then
        #expect(html.contains("少于10名学生的单元格显示为 &lt;10；为防止通过总数反推而一并隐藏的单元格显示为 *。"))
        for note in report.notes { #expect(html.contains(note.replacingOccurrences(of: "\"", with: "&quot;"))) }
    }

    @Test func stackedBarWithAHiddenSegmentIsDrawnAsInsufficientData() {
        // given
        let section = ReportSection(
            id: "levels", title: "水平", columns: [.init("U", "理解", .students), .init("A", "应用", .students), .init("C", "创造", .students)],
            rows: [
                ReportRow(key: "a", label: "红花岗区", role: .group, cells: ["U": .count(50), "A": .count(30), "C": .count(20)]),
                ReportRow(key: "b", label: "道真仡佬族苗族自治县", role: .group, cells: ["U": .count(60), "A": .withheld, "C": .suppressed]),
            ],
            chart: ReportChart(title: "水平分布", style: .stacked, columns: ["U", "A", "C"]))
        // when
        let html = ReportHTML.render(Self.report(sections: [section]))
        // then
        #expect(count("数据不足（&lt;10）", in: html) == 1)
        #expect(html.contains(">50%</text>") && html.contains(">30%</text>") && html.contains(">20%</text>"))
        #expect(!html.contains("道真仡佬族苗族自治县 · 理解"), "no share is drawn for a row with a hidden part")
    }

    @Test func chartsDrawAtMostFortyRowsAndSaySo() {
        // given
        let rows = (1...45).map { ReportRow(key: "s\($0)", label: "第\($0)中学", role: .group, cells: ["n": .count(100 + $0)]) }
        let section = ReportSection(id: "s", title: "学校", columns: [.init("n", "学生", .students)], rows: rows,
                                    chart: ReportChart(title: "各校学生", style: .bars, columns: ["n"]))
        // when
        let html = ReportHTML.render(Self.report(sections: [section]))
        // then
        #expect(html.contains("共 45 行，图中只画出前 40 行"))
        #expect(html.contains("第40中学 · 学生：140") && !html.contains("第41中学 · 学生"))
        #expect(count("<tr>", in: html) == 46, "the header row and all 45 rows are in the table")
    }

    static func report(sections: [ReportSection]) -> Report {
        Report(kind: .pilotProgramme, unit: .init(code: "52", name: "贵州省", level: .province),
               period: .init(from: "2026-09-01", to: "2026-12-31", term: nil), groupBy: .region,
               generatedAt: ReportFixtures.generatedAt, sections: sections)
    }
}

func count(_ needle: String, in haystack: String) -> Int {
    haystack.components(separatedBy: needle).count - 1
}
