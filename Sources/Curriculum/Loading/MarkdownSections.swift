import Ink

/// The `##` sections of a lesson body. Headings inside fenced code do not count.
enum MarkdownSections {
    static func split(_ body: String, firstLine: Int, file: String, sink: DiagnosticSink) -> [Lesson.Section] {
        var sections: [Lesson.Section] = []
        var heading: String?
        var headingLine = firstLine
        var text: [Substring] = []
        var inFence = false

        func close() {
            guard let h = heading else { return }
            let joined = text.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if joined.isEmpty { sink.add(file, headingLine, "section `## \(h)` is empty") }
            sections.append(Lesson.Section(heading: h, text: joined, line: headingLine))
        }

        for (i, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("```") || line.hasPrefix("~~~") { inFence.toggle() }
            if !inFence, line.hasPrefix("## ") {
                close()
                heading = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
                headingLine = firstLine + i
                text = []
                if heading?.isEmpty == true { sink.add(file, headingLine, "a section heading is empty") }
            } else if heading != nil {
                text.append(line)
            } else if !line.trimmingCharacters(in: .whitespaces).isEmpty, !line.hasPrefix("# ") {
                sink.add(file, firstLine + i, "text before the first `##` section; start the body with a section")
                heading = ""
            }
        }
        close()
        return sections.filter { !$0.heading.isEmpty }
    }

    /// The line of the first raw HTML tag outside code, if any.
    static func rawHTMLLine(_ body: String, firstLine: Int) -> Int? {
        var inFence = false
        for (i, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("```") || line.hasPrefix("~~~") { inFence.toggle(); continue }
            if inFence { continue }
            var previous: Character = " "
            var inCode = false
            for ch in line {
                if ch == "`" { inCode.toggle() }
                if !inCode, previous == "<", ch.isASCII, ch.isLetter || ch == "/" || ch == "!" { return firstLine + i }
                previous = ch
            }
        }
        return nil
    }

    /// Slugs linked from the body as `[text](lesson:slug)`, with their lines.
    static func lessonLinks(_ body: String, firstLine: Int) -> [(slug: String, line: Int)] {
        var out: [(String, Int)] = []
        for (i, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line[...]
            while let r = rest.range(of: "](lesson:") {
                let after = rest[r.upperBound...]
                let slug = after.prefix { $0 != ")" && $0 != " " }
                out.append((String(slug), firstLine + i))
                rest = after.dropFirst(slug.count)
            }
        }
        return out
    }
}

/// Markdown to HTML, once per lesson at load time. Links to other lessons (`lesson:slug`) point
/// at the lesson's API path.
enum MarkdownHTML {
    static func render(_ markdown: String) -> String {
        let linked = markdown.replacingOccurrences(of: "](lesson:", with: "](/v1/curriculum/lessons/")
        return MarkdownParser().html(from: linked)
    }
}
