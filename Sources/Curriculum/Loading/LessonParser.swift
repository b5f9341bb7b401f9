import Foundation
import QianxueCore
import Yams

/// Turns one lesson file into a `Lesson`, reporting each problem with its line. Rules that need
/// the whole curriculum (unique slugs, sources, links) are in `CurriculumLint`.
enum LessonParser {
    static let requiredSections = ["课堂活动", "讨论", "教师提示"]
    static let fields: Set<String> = [
        "slug", "title", "titleEn", "band", "grades", "hours", "objectives", "culture", "status",
        "reviewer", "reviewedOn", "sources", "activities", "related", "checks", "exercises",
    ]

    /// A parsed lesson with what the cross-file rules need: the lines of its fields and its body links.
    struct Parsed {
        let lesson: Lesson
        let lines: [String: Int]
        let links: [(slug: String, line: Int)]
    }

    static func parse(text: String, file: String, band: ContentBand, unitSlug: String, sink: DiagnosticSink) -> Parsed? {
        guard let (yaml, body, bodyLine) = splitFrontMatter(text) else {
            sink.add(file, 1, "a lesson starts with YAML front matter between two `---` lines")
            return nil
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml), node.mapping != nil else {
                sink.add(file, 2, "front matter must be a YAML mapping")
                return nil
            }
            root = node
        } catch {
            sink.add(file, 1 + YAMLError.line(of: error), "front matter is not valid YAML: \(YAMLError.text(of: error))")
            return nil
        }
        let f = YAMLFields(root, file: file, lineOffset: 1, sink: sink)
        f.refuseUnknown(fields)

        let before = sink.items.count
        let slug = f.text("slug")
        let title = f.text("title")
        let titleEn = f.text("titleEn")
        let bandText = f.text("band")
        if let bandText, bandText != band.rawValue {
            f.problem("band", "is \(bandText) but the file is in the \(band.rawValue) folder")
        }
        let grades = f.texts("grades", required: true)
        if grades.isEmpty, f.value("grades") != nil { f.problem("grades", "is empty") }
        for g in grades where !band.grades.contains(g) {
            f.problem("grades", "names grade \(g), which is not in \(band.rawValue) (\(band.grades.joined(separator: ", ")))")
        }
        let hours = f.number("hours")
        if let hours, !(0.5...8).contains(hours) { f.problem("hours", "must be between 0.5 and 8, not \(hours)") }
        let objectives = parseObjectives(f, band: band)
        let activities = parseActivities(f)
        let statusText = f.text("status")
        let status = statusText.flatMap(LessonStatus.init(rawValue:))
        if let statusText, status == nil { f.problem("status", "must be draft, reviewed or published, not \(statusText)") }
        let reviewer = f.text("reviewer", required: false)
        let reviewedOn = f.text("reviewedOn", required: false)
        if let reviewedOn, !isDate(reviewedOn) { f.problem("reviewedOn", "must be a date YYYY-MM-DD, not \(reviewedOn)") }
        let culture = f.texts("culture")
        let sources = f.texts("sources")
        let related = f.texts("related")
        let checks = f.texts("checks")
        let exercises = parseExercises(f)

        if let slug {
            if !isSlug(slug) { f.problem("slug", "must be lower-case letters, digits and single hyphens, not \(slug)") }
            let name = (file as NSString).lastPathComponent
            if name != slug + ".md" { f.problem("slug", "is \(slug) but the file is named \(name)") }
        }
        let sections = MarkdownSections.split(body, firstLine: bodyLine, file: file, sink: sink)
        for heading in requiredSections where !sections.contains(where: { $0.heading == heading }) {
            sink.add(file, bodyLine, "missing section `## \(heading)`")
        }
        checkBodyHoldsNoAnswers(body, firstLine: bodyLine, sections: sections, band: band, file: file, sink: sink)
        if let line = MarkdownSections.rawHTMLLine(body, firstLine: bodyLine) {
            sink.add(file, line, "raw HTML is not allowed in lessons; write Markdown")
        }
        guard sink.items.count == before, let slug, let title, let titleEn, let hours, let status else { return nil }
        let lesson = Lesson(
            slug: slug, title: title, titleEn: titleEn, band: band, unitSlug: unitSlug, grades: grades, hours: hours,
            objectives: objectives, culture: culture, status: status, reviewer: reviewer, reviewedOn: reviewedOn,
            sources: sources, activities: activities, related: related, checks: checks, exercises: exercises, markdown: body,
            sections: sections, html: MarkdownHTML.render(body), file: file
        )
        var lines: [String: Int] = [:]
        for key in fields { lines[key] = f.line(of: key) }
        return Parsed(lesson: lesson, lines: lines, links: MarkdownSections.lessonLinks(body, firstLine: bodyLine))
    }

    private static func parseObjectives(_ f: YAMLFields, band: ContentBand) -> [Lesson.Objective] {
        guard let records = f.records("objectives") else { return [] }
        if records.isEmpty { f.problem("objectives", "needs at least one objective") }
        return records.compactMap { r in
            r.refuseUnknown(["text", "competency"])
            guard let text = r.text("text"), let code = r.text("competency") else { return nil }
            let valid = band == .teacherPD ? TeacherCompetency(code: code) != nil : Competency(code: code) != nil
            if !valid {
                let hint = band == .teacherPD
                    ? "a teacher code such as PE-DE (HM|ET|FA|PE|PR - AQ|DE|CR)"
                    : "a student code such as TA-A (HM|ET|TA|SD - U|A|C)"
                r.problem("competency", "\(code) is not \(hint)")
                return nil
            }
            return Lesson.Objective(text: text, competency: code)
        }
    }

    private static func parseActivities(_ f: YAMLFields) -> [Lesson.Activity] {
        guard let records = f.records("activities") else { return [] }
        if records.isEmpty { f.problem("activities", "needs at least one activity") }
        return records.compactMap { r in
            r.refuseUnknown(["title", "device", "ai", "teacherLed"])
            let title = r.text("title")
            let device = r.bool("device")
            let ai = r.bool("ai")
            let led = r.bool("teacherLed")
            guard let title, let device, let ai, let led else { return nil }
            return Lesson.Activity(title: title, needsDevice: device, usesAI: ai, teacherLed: led)
        }
    }

    /// Front matter text, body text, and the file line the body starts on.
    static func splitFrontMatter(_ text: String) -> (String, String, Int)? {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return nil }
        guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else { return nil }
        let yaml = lines[1..<end].joined(separator: "\n")
        let body = lines[(end + 1)...].joined(separator: "\n")
        return (yaml, body, end + 2)
    }

    static func isDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return false }
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c.date(from: DateComponents(year: y, month: m, day: d)).map { c.component(.day, from: $0) == d && c.component(.month, from: $0) == m } ?? false
    }

    static func isSlug(_ s: String) -> Bool {
        !s.isEmpty && !s.hasPrefix("-") && !s.hasSuffix("-") && !s.contains("--")
            && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

}
