import Foundation
import QianxueCore

/// The literacy record as one self-contained, printable HTML page (A4, no external assets): who,
/// the levels per dimension over time as an SVG chart, every attempt, and the lessons done.
public enum LiteracyRecordPage {
    static let dimensionNames: [Competency.Dimension: String] = LearningNeed.dimensionNames
    static let levelNames: [Competency.Level: String] = LearningNeed.levelNames
    static let colours: [Competency.Dimension: String] = [.humanCentred: "#b5453a", .ethics: "#2f6f9f", .techniques: "#3d8b4f", .systemDesign: "#8a5a9e"]

    public static func render(_ record: LiteracyRecord, cutScores: CutScores = .provisional) -> String {
        var html = """
        <!doctype html>
        <html lang="zh-CN"><head><meta charset="utf-8">
        <title>人工智能素养记录 · \(e(record.name))</title>
        <style>
        @page { size: A4; margin: 16mm; }
        body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #222; margin: 24px; font-size: 13px; }
        h1 { font-size: 22px; margin: 0; } h2 { font-size: 16px; border-bottom: 2px solid #2f6f9f; padding-bottom: 3px; margin-top: 22px; }
        .sub { color: #666; margin: 2px 0 12px; }
        dl.who { display: grid; grid-template-columns: max-content auto max-content auto; gap: 4px 14px; margin: 0; }
        dt { color: #666; } dd { margin: 0; }
        table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #ccc; padding: 4px 6px; text-align: left; }
        th { background: #eef3f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .note { color: #666; font-size: 11px; } .ind { color: #a06000; }
        @media print { body { margin: 0; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
        </style></head><body>
        <h1>人工智能素养记录</h1>
        <p class="sub">黔学 · 学生综合素质评价 · 人工智能素养</p>
        <dl class="who"><dt>姓名</dt><dd>\(e(record.name))</dd><dt>学校</dt><dd>\(e(record.schoolName ?? "—"))</dd>
        <dt>年级</dt><dd>\(e(record.grade.map { Int($0) != nil ? "\($0) 年级" : $0 } ?? "—"))</dd><dt>学段</dt><dd>\(e(bandName(record.band)))</dd>
        <dt>测评次数</dt><dd>\(record.results.count)</dd><dt>生成日期</dt><dd>\(day(record.generatedAt))</dd></dl>

        """
        html += "<h2>各维度水平的变化</h2>\n"
        html += record.results.isEmpty ? "<p>还没有完成的测评。</p>\n" : chart(record.results, cutScores: cutScores)
        html += "<h2>每次测评</h2>\n" + attemptsTable(record)
        html += "<h2>已学习的课程</h2>\n"
        if record.lessons.isEmpty {
            html += "<p>还没有在学伴中学习过的课程。</p>\n"
        } else {
            html += "<table><tr><th>课程</th><th>能力目标</th><th>最近学习</th></tr>\n"
            for l in record.lessons {
                html += "<tr><td>\(e(l.title))</td><td>\(e(l.competencies.joined(separator: "、")))</td><td>\(day(l.lastAt))</td></tr>\n"
            }
            html += "</table>\n"
        }
        html += """
        <p class="note">θ 为按题目反应理论（2PL）得到的能力估计（期望后验 EAP），括号内为标准误；维度水平按分界分数划分为理解、应用、创造
        （应用自 θ = \(f(cutScores.overall.apply))，创造自 θ = \(f(cutScores.overall.create))）。标注“参考”的维度标准误大于 0.5，题目较少，仅供参考。
        带“待评分”的测评还有教师尚未评分的简答题，结果可能变化。课程指学生在学伴中学习过的课。</p>
        </body></html>

        """
        return html
    }

    static func attemptsTable(_ record: LiteracyRecord) -> String {
        var html = "<table><tr><th>日期</th><th>测评</th><th>题数</th><th>总体 θ（标准误）</th><th>总体水平</th>"
        html += Competency.Dimension.allCases.map { "<th>\(e(dimensionNames[$0]!))</th>" }.joined() + "</tr>\n"
        for a in record.attempts {
            let what: String
            switch a.kind {
            case .adaptive: what = "自适应测评"
            case .form: what = a.form.map { $0.title } ?? "固定试卷"
            }
            guard let r = a.result else {
                html += "<tr><td>\(day(a.startedAt))</td><td>\(e(what))</td><td class=\"num\">\(a.answered)</td><td colspan=\"6\">进行中</td></tr>\n"
                continue
            }
            let pending = r.pendingTeacherScores > 0 ? "<br><span class=\"ind\">\(r.pendingTeacherScores) 题待评分</span>" : ""
            html += "<tr><td>\(day(r.finishedAt))</td><td>\(e(what))\(pending)</td><td class=\"num\">\(r.profile.itemCount)</td>"
            html += "<td class=\"num\">\(f(r.profile.overall.theta))（\(f(r.profile.overall.se))）</td><td>\(levelNames[r.profile.level]!)</td>"
            for d in r.profile.dimensions {
                let level = d.level.map { levelNames[$0]! } ?? "—"
                html += "<td>\(level)\(d.indicative && d.level != nil ? "<span class=\"ind\">（参考）</span>" : "")</td>"
            }
            html += "</tr>\n"
        }
        return html + "</table>\n"
    }

    /// Each dimension's θ per finished attempt, with the cut scores as dashed lines.
    static func chart(_ results: [LiteracyResult], cutScores: CutScores) -> String {
        let width = 640.0, height = 262.0, left = 44.0, right = 80.0, top = 12.0, bottom = 50.0
        let lo = -3.0, hi = 3.0
        func x(_ i: Int) -> Double { results.count == 1 ? left + (width - left - right) / 2 : left + Double(i) * (width - left - right) / Double(results.count - 1) }
        func y(_ theta: Double) -> Double { top + (hi - min(max(theta, lo), hi)) / (hi - lo) * (height - top - bottom) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"各维度能力估计随时间的变化\">\n"
        for t in stride(from: lo, through: hi, by: 1) {
            svg += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(y(t))\" y2=\"\(y(t))\" stroke=\"#eee\"/><text x=\"\(left - 6)\" y=\"\(y(t) + 4)\" font-size=\"10\" text-anchor=\"end\" fill=\"#666\">\(Int(t))</text>\n"
        }
        for (label, cut) in [("应用", cutScores.overall.apply), ("创造", cutScores.overall.create)] {
            svg += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(y(cut))\" y2=\"\(y(cut))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>"
            svg += "<text x=\"\(width - right + 4)\" y=\"\(y(cut) + 4)\" font-size=\"10\" fill=\"#666\">\(label) \(f(cut))</text>\n"
        }
        for (i, r) in results.enumerated() {
            svg += "<text x=\"\(x(i))\" y=\"\(height - bottom + 16)\" font-size=\"10\" text-anchor=\"middle\" fill=\"#444\">\(day(r.finishedAt))</text>\n"
        }
        for (n, d) in Competency.Dimension.allCases.enumerated() {
            let points = results.enumerated().map { i, r in (x(i), y(r.profile.result(d).estimate.theta)) }
            let colour = colours[d]!
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " "))\"/>\n"
            for p in points { svg += "<circle cx=\"\(f(p.0))\" cy=\"\(f(p.1))\" r=\"3\" fill=\"\(colour)\"/>" }
            // The legend runs along the bottom, clear of the cut-score labels on the right.
            let legendX = left + Double(n) * 140, legendY = height - 8
            svg += "\n<rect x=\"\(legendX)\" y=\"\(legendY - 9)\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>"
            svg += "<text x=\"\(legendX + 14)\" y=\"\(legendY)\" font-size=\"11\" fill=\"#222\">\(e(dimensionNames[d]!))</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func bandName(_ band: GradeBand) -> String {
        switch band {
        case .primaryLower: return "小学低年级"
        case .primaryUpper: return "小学高年级"
        case .junior: return "初中"
        case .senior: return "高中"
        case .vocational: return "中职"
        case .higher: return "高等教育"
        }
    }

    static func day(_ date: Date) -> String { PlatformCalendar.day(of: date) }
    static func f(_ x: Double) -> String { String(format: "%.2f", x) }

    /// Text made safe for HTML content and attribute values.
    static func e(_ s: String) -> String { s.markupEscaped }
}
