/// Makes the passage shown under a search hit: a window around the first match of the whole
/// query (else of any query term), with every query term inside it wrapped in `<mark>`.
enum Snippet {
    static let before = 30
    static let width = 110

    static func make(_ doc: SearchIndex.Document, phrase: [Character], terms: [[Character]]) -> String {
        let text = doc.plain
        guard !text.isEmpty else { return "" }
        var anchor = SearchIndex.find(phrase, in: doc.lower, from: 0)
        if anchor == nil {
            anchor = terms.sorted { $0.count > $1.count }.lazy.compactMap { SearchIndex.find($0, in: doc.lower, from: 0) }.first
        }
        let start = max(0, (anchor ?? 0) - before)
        let end = min(text.count, start + width)
        var marked = [Bool](repeating: false, count: end - start)
        let window = Array(doc.lower[start..<end])
        for term in terms + [phrase] where !term.isEmpty {
            var from = 0
            while let at = SearchIndex.find(term, in: window, from: from) {
                for k in at..<(at + term.count) { marked[k] = true }
                from = at + 1
            }
        }
        var out = start > 0 ? "…" : ""
        var open = false
        for (k, ch) in text[start..<end].enumerated() {
            if marked[k] != open {
                out += marked[k] ? "<mark>" : "</mark>"
                open = marked[k]
            }
            out += escape(ch)
        }
        if open { out += "</mark>" }
        if end < text.count { out += "…" }
        return out
    }

    static func escape(_ ch: Character) -> String {
        switch ch {
        case "<": return "&lt;"
        case ">": return "&gt;"
        case "&": return "&amp;"
        case "\"": return "&quot;"
        case "\n": return " "
        default: return String(ch)
        }
    }
}
