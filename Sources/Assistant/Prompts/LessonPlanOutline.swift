import Curriculum
import Foundation
import QianxueCore

/// The offline assistant's draft when no model answers: a lesson plan (or a differentiated design)
/// laid out from the lesson's own parts — objectives, sections with time shares, activities,
/// questions, the teacher notes and sources — and saying plainly that it was not written by AI.
/// Nothing is invented; the teacher fills in the rest.
enum LessonPlanOutline {
    static let notice = "> 离线提纲：AI 服务暂时不可用，这份草稿是平台根据课文整理的提纲，不是 AI 写的。请老师补充和修改。"

    static func write(_ kind: DraftKind, lesson: Lesson, band: GradeBand, className: String?, instructions: String?) -> String {
        var md = "# 《\(lesson.title)》\(kind.title)\n\n\(notice)\n\n"
        md += "- 学段：\(ContentBand(band).title)" + (className.map { "（班级 \($0)）" } ?? "") + "\n"
        md += "- 课时：\(hours(lesson.hours))（约 \(minutes(lesson)) 分钟）\n"
        if let instructions, !instructions.isEmpty { md += "- 老师的要求：\(instructions)\n" }
        md += "\n## 教学目标\n\n" + lesson.objectives.map { "- \($0.text)（\($0.competency)）" }.joined(separator: "\n") + "\n"
        switch kind {
        case .differentiation: md += levels(lesson)
        default: md += process(lesson)
        }
        let questions = lesson.exercises.map(\.prompt)
        if !questions.isEmpty { md += "\n## 课堂提问\n\n" + questions.map { "- \($0)" }.joined(separator: "\n") + "\n" }
        if let notes = lesson.section("教师提示") { md += "\n## 教师提示（课文）\n\n\(notes)\n" }
        if !lesson.sources.isEmpty { md += "\n## 资料来源\n\n" + lesson.sources.map { "- \($0)" }.joined(separator: "\n") + "\n" }
        return md
    }

    /// The sections in order, each with a share of the time by its length, and the activities.
    private static func process(_ lesson: Lesson) -> String {
        let parts = lesson.sections.filter { $0.heading != "教师提示" && !$0.text.isEmpty }
        let total = max(1, parts.reduce(0) { $0 + $1.text.count })
        var md = "\n## 教学过程\n"
        for s in parts {
            let share = max(3, Int((Double(minutes(lesson)) * Double(s.text.count) / Double(total)).rounded()))
            md += "\n### \(s.heading)（约 \(share) 分钟）\n\n\(firstSentences(s.text))\n"
        }
        if !lesson.activities.isEmpty {
            md += "\n## 课堂活动安排\n\n" + lesson.activities.map { a in
                var tags: [String] = []
                if a.teacherLed { tags.append("教师主导") }
                if a.needsDevice { tags.append("需要设备") }
                if a.usesAI { tags.append("使用 AI") }
                return "- \(a.title)" + (tags.isEmpty ? "" : "（\(tags.joined(separator: "、"))）")
            }.joined(separator: "\n") + "\n"
        }
        return md
    }

    /// Three levels from the objectives' progression (understand, apply, create).
    private static func levels(_ lesson: Lesson) -> String {
        let byLevel: [(String, String, String)] = [("U", "基础层", "能理解"), ("A", "提高层", "能应用"), ("C", "拓展层", "能创造")]
        var md = "\n## 分层设计\n"
        for (code, name, verb) in byLevel {
            let goals = lesson.objectives.filter { $0.competency.hasSuffix("-\(code)") }.map(\.text)
            md += "\n### \(name)\n\n"
            md += goals.isEmpty ? "- 目标：在上一层的基础上\(verb)本课的内容（请老师补充）。\n" : goals.map { "- 目标：\($0)" }.joined(separator: "\n") + "\n"
        }
        if !lesson.activities.isEmpty {
            md += "\n共同的课堂活动：" + lesson.activities.map(\.title).joined(separator: "；") + "\n"
        }
        return md
    }

    private static func firstSentences(_ text: String) -> String {
        let plain = text.replacingOccurrences(of: "**", with: "")
        var out = ""
        for sentence in plain.split(separator: "。", omittingEmptySubsequences: true) where out.count < 120 {
            out += sentence.trimmingCharacters(in: .whitespacesAndNewlines) + "。"
        }
        return out
    }

    static func minutes(_ lesson: Lesson) -> Int { Int((lesson.hours * 40).rounded()) }

    static func hours(_ h: Double) -> String { h == h.rounded() ? String(Int(h)) : String(h) }
}
