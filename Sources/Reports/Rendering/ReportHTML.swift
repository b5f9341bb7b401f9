import Foundation
import QianxueCore

/// A report as one self-contained, printable HTML page: no scripts, fonts or other files, a chart
/// (inline SVG) and a table per section.
public enum ReportHTML {
    /// The line every page ends with, saying what `<10` and `*` mean.
    public static let suppressionNote = "少于10名学生的单元格显示为 <10；为防止通过总数反推而一并隐藏的单元格显示为 *。"

    /// The whole page, UTF-8 text from `<!doctype html>` on.
    public static func render(_ report: Report) -> String {
        var html = """
        <!doctype html>
        <html lang="zh-CN"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e(report.title)) · \(e(report.unit.name))</title>
        <style>\(style)</style>
        </head><body><main>

        """
        html += header(report)
        for (index, section) in report.sections.enumerated() {
            html += self.section(section, index: index, report: report)
        }
        html += "<footer>\n"
        if !report.notes.isEmpty {
            html += "<h2 class=\"notes\">说明</h2><ul>" + report.notes.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n"
        }
        html += "<p class=\"suppression\">\(e(suppressionNote))</p>\n"
        html += "<p class=\"source\">黔学 · 区域决策报告 · 生成于 \(e(shanghaiTime(report.generatedAt)))</p>\n"
        html += "</footer>\n</main></body></html>\n"
        return html
    }

    static func header(_ report: Report) -> String {
        var meta: [(String, String)] = [
            ("单位", "\(report.unit.name)（\(levelName(report.unit.level))）"),
            ("时段", span(report.period)),
        ]
        if let compared = report.comparedTo { meta.append(("对比时段", span(compared))) }
        meta.append(("分组", "按\(groupName(report.groupBy, under: report.unit.level))"))
        meta.append(("生成时间", shanghaiTime(report.generatedAt)))
        var html = "<header class=\"report\">\n<p class=\"brand\">黔学 · 区域决策报告</p>\n"
        html += "<h1>\(e(report.title))</h1>\n<p class=\"unit\">\(e(report.unit.name))</p>\n<dl class=\"meta\">"
        html += meta.map { "<dt>\(e($0.0))</dt><dd>\(e($0.1))</dd>" }.joined()
        return html + "</dl>\n</header>\n"
    }

    static func section(_ section: ReportSection, index: Int, report: Report) -> String {
        var html = "<section class=\"report-section\" id=\"\(e(section.id))\">\n<h2>\(e(section.title))</h2>\n"
        if let chart = section.chart {
            let drawing = ReportSVG.render(chart, of: section, id: "chart\(index + 1)")
            html += "<figure class=\"chart\"><figcaption>\(e(chart.title))</figcaption>\n\(drawing.svg)\n"
            let charted = ReportSVG.rows(of: section).prefix(ReportSVG.maxRows)
            if chart.style == .stacked, charted.contains(where: { row in chart.columns.contains { row[$0].isHidden } }) {
                html += "<p class=\"note\">灰色斜线条：该行有少于10名学生或为防反推而隐藏的单元格，不画比例。</p>\n"
            }
            if drawing.omitted > 0 {
                let total = drawing.omitted + ReportSVG.maxRows
                html += "<p class=\"note\">共 \(total) 行，图中只画出前 \(ReportSVG.maxRows) 行；完整数据见下表。</p>\n"
            }
            html += "</figure>\n"
        }
        html += table(section, rowHeader: section.rowHeading ?? groupName(report.groupBy, under: report.unit.level))
        if section.rows.contains(where: { $0.role == .overlap }) {
            html += "<p class=\"note\">† 斜体行与其他行的范围重叠（如贵安新区与所在市州），不计入合计。</p>\n"
        }
        return html + "</section>\n"
    }

    static func table(_ section: ReportSection, rowHeader: String) -> String {
        var html = "<table class=\"data\">\n<thead><tr><th scope=\"col\">\(e(rowHeader))</th>"
        for column in section.columns {
            let cls = column.kind == .text ? "" : " class=\"num\""
            html += "<th scope=\"col\"\(cls)>\(e(column.label))</th>"
        }
        html += "</tr></thead>\n<tbody>\n"
        // A column with any fraction shows every number to one decimal, so that figures line up.
        let fractional = Set(section.columns.filter { c in section.rows.contains { r in
            r[c.key].number.map { $0.rounded() != $0 } ?? false } }.map(\.key))
        for row in section.rows {
            let cls = row.role == .group ? "" : " class=\"\(row.role.rawValue)\""
            html += "<tr\(cls)><th scope=\"row\">\(e(row.label))\(row.role == .overlap ? " †" : "")</th>"
            html += section.columns.map { cell(row[$0.key], in: $0, fractional: fractional.contains($0.key)) }.joined()
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    static func cell(_ cell: ReportCell, in column: ReportColumn, fractional: Bool) -> String {
        switch cell {
        case .number(let v):
            let text = fractional && abs(v) < 1e15 ? decimal(v) : cell.display
            return "<td class=\"num\">\(grouped(text))\(column.kind == .percent ? "%" : "")</td>"
        case .text(let s):
            return "<td class=\"text\">\(e(s))</td>"
        case .suppressed:
            return "<td class=\"num suppressed\" title=\"少于10名学生，不显示具体数字\">\(e(cell.display))</td>"
        case .withheld:
            return "<td class=\"num withheld\" title=\"为防止通过总数反推少于10名学生的单元格而一并隐藏\">\(e(cell.display))</td>"
        case .missing:
            return "<td class=\"num missing\"></td>"
        }
    }

    // MARK: - Words and numbers

    static func levelName(_ level: ReportUnit.Level) -> String {
        switch level {
        case .province: return "省"
        case .prefecture: return "市州"
        case .county: return "区县"
        case .area: return "国家级新区"
        case .school: return "学校"
        }
    }

    /// What a row stands for: the unit's children when grouped by region.
    static func groupName(_ grouping: ReportGrouping, under level: ReportUnit.Level) -> String {
        switch grouping {
        case .region: return level == .province ? "市州" : level == .prefecture ? "区县" : "学校"
        case .school: return "学校"
        case .band: return "学段"
        case .locality: return "城乡"
        case .pilot: return "试点类别"
        case .week: return "周"
        }
    }

    static func span(_ span: ReportSpan) -> String {
        var text = "\(span.from) 至 \(span.to)"
        if let term = span.term {
            if let t = AcademicTerm(term) {
                text += "（\(t.startYear)—\(t.startYear + 1) 学年第\(t.half == 1 ? "一" : "二")学期）"
            } else {
                text += "（\(term)）"
            }
        }
        return text
    }

    /// `2026-11-30 09:05（北京时间）`.
    static func shanghaiTime(_ date: Date) -> String {
        let c = PlatformCalendar.calendar.dateComponents([.hour, .minute], from: date)
        return "\(PlatformCalendar.day(of: date)) \(two(c.hour ?? 0)):\(two(c.minute ?? 0))（北京时间）"
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    /// A displayed number with thousands separators (`12345.5` → `12,345.5`); other text unchanged.
    static func grouped(_ display: String) -> String {
        let negative = display.hasPrefix("-")
        let body = negative ? display.dropFirst() : Substring(display)
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, whole.count > 3, whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return display }
        var out = ""
        for (i, ch) in whole.enumerated() {
            if i > 0, (whole.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (negative ? "-" : "") + out + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// One decimal place.
    static func decimal(_ v: Double) -> String { String(format: "%.1f", v) }

    static func e(_ s: String) -> String { s.markupEscaped }
}
