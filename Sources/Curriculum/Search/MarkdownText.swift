import Foundation

/// Markdown reduced to the words a reader sees in its sections: headings, emphasis, list markers, link targets and
/// table rules removed; lines joined by single spaces.
enum MarkdownText {
    static func plain(_ markdown: String) -> String {
        var lines: [String] = []
        for raw in markdown.split(separator: "\n") {
            var line = raw.trimmingCharacters(in: .whitespaces)
            // Fences and section headings (导入, 课堂活动 …) are structure, not content.
            if line.hasPrefix("```") || line.hasPrefix("~~~") || line.hasPrefix("#") { continue }
            while line.hasPrefix(">") { line = String(line.dropFirst()).trimmingCharacters(in: .whitespaces) }
            if line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("+ ") { line = String(line.dropFirst(2)) }
            if let dot = line.firstIndex(of: "."), line[..<dot].allSatisfy(\.isNumber), !line[..<dot].isEmpty {
                line = String(line[line.index(after: dot)...]).trimmingCharacters(in: .whitespaces)
            }
            if line.allSatisfy({ "|-: ".contains($0) }) { continue }
            line = stripLinks(line)
            line = line.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: "")
                .replacingOccurrences(of: "|", with: " ")
            if !line.isEmpty { lines.append(line) }
        }
        return lines.joined(separator: " ")
    }

    /// `[text](target)` → `text`.
    static func stripLinks(_ s: String) -> String {
        guard s.contains("](") else { return s }
        var out = ""
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == "]", s.index(after: i) < s.endIndex, s[s.index(after: i)] == "(",
               let close = s[i...].firstIndex(of: ")") {
                i = s.index(after: close)
                continue
            }
            if s[i] != "[" { out.append(s[i]) }
            i = s.index(after: i)
        }
        return out
    }
}
