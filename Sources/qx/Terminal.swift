import Foundation

/// Terminal presentation: bold and highlight with ANSI codes when standard output is a terminal
/// (plain text otherwise), and lesson Markdown rendered readably.
enum Terminal {
    static let styled: Bool = isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    static func bold(_ s: String) -> String { styled ? "\u{1B}[1m\(s)\u{1B}[0m" : s }

    /// A search snippet: `<mark>` becomes reverse video (or 【】 when not a terminal); entities decoded.
    static func highlight(_ snippet: String) -> String {
        let open = styled ? "\u{1B}[7m" : "【"
        let close = styled ? "\u{1B}[0m" : "】"
        return snippet.replacingOccurrences(of: "<mark>", with: open).replacingOccurrences(of: "</mark>", with: close)
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Headings in bold with a rule, emphasis markers dropped (bold kept), lesson links shown as the
    /// command that opens them; lists, quotes and tables kept as written.
    static func markdown(_ md: String) -> String {
        var out: [String] = []
        for line in md.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("## ") {
                let title = String(line.dropFirst(3))
                out.append(bold(title))
                out.append(String(repeating: "─", count: min(60, max(8, title.count * 2))))
            } else if line.hasPrefix("### ") {
                out.append(bold("▸ " + line.dropFirst(4)))
            } else {
                out.append(inline(line))
            }
        }
        return out.joined(separator: "\n")
    }

    static func inline(_ line: String) -> String {
        var s = line
        // [text](lesson:slug) → text (qx curriculum show slug)
        while let r = s.range(of: "](lesson:"), let open = s[..<r.lowerBound].lastIndex(of: "["),
              let close = s[r.upperBound...].firstIndex(of: ")") {
            let text = s[s.index(after: open)..<r.lowerBound]
            let slug = s[r.upperBound..<close]
            s.replaceSubrange(open...close, with: "\(text)（qx curriculum show \(slug)）")
        }
        var parts = s.components(separatedBy: "**")
        if parts.count >= 3 {
            for i in stride(from: 1, to: parts.count - 1, by: 2) { parts[i] = bold(parts[i]) }
            s = parts.joined()
        }
        return s
    }
}
