import Foundation
import QianxueCore

/// A section's chart as inline SVG: 100 % stacked bars for the parts of a whole, or bars on a
/// common axis. Hidden cells are never guessed at: they are drawn hatched and labelled.
enum ReportSVG {
    /// Rows beyond this are left out of a chart (the table below it still has them all).
    static let maxRows = 40
    static let width = 1040.0
    static let fontSize = 13.0
    /// Okabe and Ito's palette, told apart with the common colour-vision deficiencies, with the ink
    /// that reads on each fill.
    static let palette: [(fill: String, ink: String)] = [
        ("#0072B2", "#ffffff"), ("#E69F00", "#1a1a1a"), ("#009E73", "#ffffff"), ("#CC79A7", "#1a1a1a"),
        ("#56B4E9", "#1a1a1a"), ("#D55E00", "#ffffff"), ("#F0E442", "#1a1a1a"), ("#666666", "#ffffff"),
    ]

    /// A drawn chart and how many of its rows were left out.
    struct Drawing {
        let svg: String
        let omitted: Int
    }

    /// `id` tells this chart's pattern apart from other charts' on the same page.
    static func render(_ chart: ReportChart, of section: ReportSection, id: String) -> Drawing {
        let all = rows(of: section)
        let shown = Array(all.prefix(maxRows))
        let columns = chart.columns.compactMap { section.column($0) }
        let body: (svg: String, height: Double)
        switch chart.style {
        case .stacked: body = stacked(shown, columns: columns, id: id)
        case .bars: body = bars(shown, columns: columns, id: id)
        }
        let svg = """
        <svg role="img" aria-labelledby="\(id)-title" class="chart" \
        viewBox="0 0 \(f(width)) \(f(body.height))" width="\(f(width))" height="\(f(body.height))">
        <title id="\(id)-title">\(e(chart.title))</title>
        <defs><pattern id="\(id)-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
        <rect width="6" height="6" fill="#e4e4e4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9a9a9a" stroke-width="2"/></pattern></defs>
        \(body.svg)</svg>
        """
        return Drawing(svg: svg, omitted: all.count - shown.count)
    }

    /// The rows a chart draws: every group (and overlapping unit), or the total when there are none.
    static func rows(of section: ReportSection) -> [ReportRow] {
        let groups = section.rows.filter { $0.role != .total }
        return groups.isEmpty ? section.rows.filter { $0.role == .total } : groups
    }

    // MARK: - Stacked

    static func stacked(_ rows: [ReportRow], columns: [ReportColumn], id: String) -> (svg: String, height: Double) {
        let labelWidth = self.labelWidth(rows)
        let plotX = labelWidth + 14, plotWidth = width - plotX - 20
        var svg = ""
        let legend = self.legend(columns.map(\.label), x: plotX)
        svg += legend.svg
        let rowHeight = 26.0, barHeight = 18.0
        var y = legend.height + 10
        for row in rows {
            svg += label(row, x: labelWidth + 6, y: y + barHeight / 2, width: labelWidth)
            let cells = columns.map { row[$0.key] }
            let values = cells.compactMap(\.number)
            let sum = values.reduce(0, +)
            if cells.contains(where: \.isHidden) {
                svg += gap(x: plotX, y: y, width: plotWidth, height: barHeight, id: id, text: "数据不足（\(ReportCell.suppressedText)）",
                           hint: "\(row.label)：有少于10名学生的单元格，不画比例")
            } else if values.isEmpty || sum <= 0 {
                svg += "<rect x=\"\(f(plotX))\" y=\"\(f(y))\" width=\"\(f(plotWidth))\" height=\"\(f(barHeight))\" fill=\"none\" stroke=\"#bbbbbb\" stroke-dasharray=\"4 3\"/>"
                svg += "<text x=\"\(f(plotX + plotWidth / 2))\" y=\"\(f(y + barHeight / 2))\" dy=\"0.35em\" text-anchor=\"middle\" font-size=\"12\" fill=\"#777777\">无数据</text>\n"
            } else {
                var x = plotX
                for (i, column) in columns.enumerated() {
                    let v = max(0, row[column.key].number ?? 0)
                    let share = v / sum, w = share * plotWidth
                    guard w > 0 else { continue }
                    let colour = palette[i % palette.count]
                    let percent = ReportHTML.decimal(share * 100)
                    svg += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(barHeight))\" fill=\"\(colour.fill)\">"
                    svg += "<title>\(e("\(row.label) · \(column.label)：\(ReportHTML.grouped(row[column.key].display))\(unit(column))（\(percent)%）"))</title></rect>"
                    if w >= 38 {
                        svg += "<text x=\"\(f(x + w / 2))\" y=\"\(f(y + barHeight / 2))\" dy=\"0.35em\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(colour.ink)\">\(Int((share * 100).rounded()))%</text>"
                    }
                    x += w
                }
                svg += "\n"
            }
            y += rowHeight
        }
        for tick in stride(from: 0.0, through: 100.0, by: 25.0) {
            let x = plotX + tick / 100 * plotWidth
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(y - 4))\" x2=\"\(f(x))\" y2=\"\(f(y + 2))\" stroke=\"#888888\"/>"
            svg += "<text x=\"\(f(x))\" y=\"\(f(y + 15))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555555\">\(Int(tick))%</text>"
        }
        return (svg + "\n", y + 22)
    }

    // MARK: - Parts shared by both styles

    /// A hatched grey bar standing for values that are not shown.
    static func gap(x: Double, y: Double, width: Double, height: Double, id: String, text: String, hint: String) -> String {
        var svg = "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"url(#\(id)-hatch)\" stroke=\"#9a9a9a\">"
        svg += "<title>\(e(hint))</title></rect>"
        let textX = width >= 140 ? x + width / 2 : x + width + 6
        svg += "<text x=\"\(f(textX))\" y=\"\(f(y + height / 2))\" dy=\"0.35em\" text-anchor=\"\(width >= 140 ? "middle" : "start")\" font-size=\"12\" fill=\"#333333\">\(e(text))</text>\n"
        return svg
    }

    /// One row's name, right-aligned before its bar: bold for the total, italic for an overlapping unit.
    static func label(_ row: ReportRow, x: Double, y: Double, width: Double) -> String {
        let style = row.role == .total ? " font-weight=\"bold\"" : row.role == .overlap ? " font-style=\"italic\"" : ""
        let text = fitted(row.label + (row.role == .overlap ? " †" : ""), width: width)
        return "<text x=\"\(f(x))\" y=\"\(f(y))\" dy=\"0.35em\" text-anchor=\"end\" font-size=\"\(f(fontSize))\" fill=\"#222222\"\(style)><title>\(e(row.label))</title>\(e(text))</text>\n"
    }

    /// A row of colour keys, wrapping to more rows when it is wider than the chart.
    static func legend(_ labels: [String], x start: Double) -> (svg: String, height: Double) {
        var svg = "", x = start, y = 4.0
        for (i, label) in labels.enumerated() {
            let itemWidth = 12 + 6 + textWidth(label, size: 12) + 20
            if x + itemWidth > width, x > start { x = start; y += 20 }
            svg += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"12\" height=\"12\" fill=\"\(palette[i % palette.count].fill)\"/>"
            svg += "<text x=\"\(f(x + 18))\" y=\"\(f(y + 6))\" dy=\"0.35em\" font-size=\"12\" fill=\"#333333\">\(e(label))</text>"
            x += itemWidth
        }
        return (svg + "\n", y + 16)
    }

    static func labelWidth(_ rows: [ReportRow]) -> Double {
        min(240, max(56, rows.map { textWidth($0.label + " †", size: fontSize) }.max() ?? 0))
    }

    /// A label cut with an ellipsis to fit; the whole label stays in the element's title.
    static func fitted(_ text: String, width: Double) -> String {
        guard textWidth(text, size: fontSize) > width else { return text }
        var cut = text
        while !cut.isEmpty, textWidth(cut + "…", size: fontSize) > width { cut.removeLast() }
        return cut + "…"
    }

    /// Near enough for layout: CJK characters are a full em wide, Latin letters and digits about 0.6.
    static func textWidth(_ text: String, size: Double) -> Double {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x2E80 ? 1.0 : 0.6) * size }
    }

    static func unit(_ column: ReportColumn) -> String {
        switch column.kind {
        case .students: return " 人"
        case .percent: return "%"
        case .count, .number, .text: return ""
        }
    }

    static func f(_ v: Double) -> String {
        v.rounded() == v ? String(Int(v)) : String(format: "%.1f", v)
    }

    static func e(_ s: String) -> String { s.markupEscaped }
}
