import Foundation

extension ReportSVG {
    /// One bar per row and chart column, all on one axis from zero (or from the lowest value when
    /// some are negative), with grid lines and tick labels.
    static func bars(_ rows: [ReportRow], columns: [ReportColumn], id: String) -> (svg: String, height: Double) {
        let labelWidth = self.labelWidth(rows)
        let plotX = labelWidth + 14, plotWidth = width - plotX - 72
        let legend = self.legend(columns.map(\.label), x: plotX)
        let values = rows.flatMap { row in columns.compactMap { row[$0.key].number } }
        let axis = Axis(lo: min(0, values.min() ?? 0), hi: max(0, values.max() ?? 0))
        let percent = !columns.isEmpty && columns.allSatisfy { $0.kind == .percent }
        let barHeight = columns.count > 1 ? 12.0 : 16.0
        let blockHeight = Double(columns.count) * (barHeight + 2) + 10
        let top = legend.height + 10
        let bottom = top + Double(rows.count) * blockHeight
        func x(_ v: Double) -> Double { plotX + (v - axis.lo) / (axis.hi - axis.lo) * plotWidth }

        var svg = legend.svg
        for tick in axis.ticks {
            let tx = x(tick)
            let stroke = abs(tick) < axis.step / 2 ? "#888888" : "#e2e2e2"
            svg += "<line x1=\"\(f(tx))\" y1=\"\(f(top - 4))\" x2=\"\(f(tx))\" y2=\"\(f(bottom))\" stroke=\"\(stroke)\"/>"
            svg += "<text x=\"\(f(tx))\" y=\"\(f(bottom + 15))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555555\">\(axis.label(tick))\(percent ? "%" : "")</text>"
        }
        svg += "\n"
        var y = top
        for row in rows {
            svg += label(row, x: labelWidth + 6, y: y + (blockHeight - 10) / 2, width: labelWidth)
            for (i, column) in columns.enumerated() {
                let barY = y + Double(i) * (barHeight + 2)
                let cell = row[column.key]
                if cell.isHidden {
                    let why = cell == .suppressed ? "少于10名学生" : "为防止反推而一并隐藏"
                    svg += gap(x: x(0), y: barY, width: 22, height: barHeight, id: id, text: cell.display,
                               hint: "\(row.label) · \(column.label)：\(why)")
                } else if let v = cell.number {
                    let x0 = x(min(0, v)), x1 = x(max(0, v))
                    let fractional = rows.contains { $0[column.key].number.map { $0.rounded() != $0 } ?? false }
                    let text = ReportHTML.grouped(fractional ? ReportHTML.decimal(v) : cell.display) + (column.kind == .percent ? "%" : "")
                    svg += "<rect x=\"\(f(x0))\" y=\"\(f(barY))\" width=\"\(f(max(x1 - x0, 0.5)))\" height=\"\(f(barHeight))\" fill=\"\(palette[i % palette.count].fill)\">"
                    svg += "<title>\(e("\(row.label) · \(column.label)：\(text)"))</title></rect>"
                    let anchor = v < 0 ? "end" : "start", tx = v < 0 ? x0 - 4 : x1 + 4
                    svg += "<text x=\"\(f(tx))\" y=\"\(f(barY + barHeight / 2))\" dy=\"0.35em\" text-anchor=\"\(anchor)\" font-size=\"11\" fill=\"#333333\">\(e(text))</text>\n"
                }
            }
            y += blockHeight
        }
        return (svg, bottom + 24)
    }

    /// A value axis with round steps (1, 2 or 5 times a power of ten) covering `lo`…`hi`.
    struct Axis {
        let lo: Double
        let hi: Double
        let step: Double

        init(lo: Double, hi: Double) {
            let raw = (hi - lo > 0 ? hi - lo : 1) / 5
            let magnitude = pow(10, (log10(raw)).rounded(.down))
            let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw * 0.999 } ?? raw
            self.step = step
            self.lo = (lo / step).rounded(.down) * step
            self.hi = max((hi / step).rounded(.up) * step, self.lo + step)
        }

        var ticks: [Double] {
            let n = Int(((hi - lo) / step).rounded())
            return (0...n).map { lo + Double($0) * step }
        }

        func label(_ v: Double) -> String {
            let decimals = max(0, Int(-(log10(step)).rounded(.down)))
            if decimals == 0 { return ReportHTML.grouped(String(Int64(v.rounded()))) }
            return String(format: "%.\(decimals)f", v)
        }
    }
}
