import QianxueCore
/// Makes the passage shown under a search hit: a window around the first match of the whole
/// query (else of the longest query term), with every query term inside it wrapped in `<mark>`.
enum Snippet {
    static let before = 30
    static let width = 110

    static func make(_ doc: SearchIndex.Document, phrase: [UInt32], terms: [[UInt32]]) -> String {
        let text = doc.plain
        guard !text.isEmpty else { return "" }
        var anchor = SearchIndex.find(phrase, in: doc.lower, from: 0)
        if anchor == nil {
            anchor = terms.sorted { $0.count > $1.count }.lazy.compactMap { SearchIndex.find($0, in: doc.lower, from: 0) }.first
        }
        var start = max(0, (anchor ?? 0) - before)
        // Never start inside a Latin word.
        while start > 0, start < text.count, TextTerms.isWordScalar(text[start]), !TextTerms.isHan(text[start]),
              TextTerms.isWordScalar(text[start - 1]) { start -= 1 }
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
        for k in 0..<(end - start) {
            if marked[k] != open {
                out += marked[k] ? "<mark>" : "</mark>"
                open = marked[k]
            }
            escape(text[start + k], into: &out)
        }
        if open { out += "</mark>" }
        if end < text.count { out += "…" }
        return out
    }

    static func escape(_ v: UInt32, into out: inout String) {
        switch v {
        case 0x3C: out += "&lt;"
        case 0x3E: out += "&gt;"
        case 0x26: out += "&amp;"
        case 0x22: out += "&quot;"
        case 0x0A: out += " "
        default: if let s = Unicode.Scalar(v) { out.unicodeScalars.append(s) }
        }
    }
}
