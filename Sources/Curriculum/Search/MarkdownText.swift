/// Markdown reduced to the words a reader sees in its sections, as Unicode scalars: headings and
/// fences dropped, quote and list markers, emphasis, code ticks, link targets and table rules
/// removed; lines joined by single spaces. One pass over the scalars (this runs for every lesson at
/// start-up).
enum MarkdownText {
    static func plain(_ markdown: String) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(markdown.utf8.count / 2)
        var line: [UInt32] = []
        for s in markdown.unicodeScalars {
            if s.value == 0x0A {
                append(line, to: &out)
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(s.value)
            }
        }
        append(line, to: &out)
        return out
    }

    private static func isSpace(_ v: UInt32) -> Bool { v == 0x20 || v == 0x09 || v == 0x0D }

    private static func append(_ raw: [UInt32], to out: inout [UInt32]) {
        var a = 0, b = raw.count
        while a < b, isSpace(raw[a]) { a += 1 }
        while b > a, isSpace(raw[b - 1]) { b -= 1 }
        guard a < b else { return }
        let first = raw[a]
        // fences ``` ~~~ and headings #
        if first == 0x23 { return }
        if b - a >= 3, (first == 0x60 || first == 0x7E), raw[a + 1] == first, raw[a + 2] == first { return }
        // table rules |---|:--|
        if raw[a..<b].allSatisfy({ $0 == 0x7C || $0 == 0x2D || $0 == 0x3A || $0 == 0x20 }) { return }
        // quote markers
        while a < b, raw[a] == 0x3E || isSpace(raw[a]) { a += 1 }
        // list markers: "- ", "* ", "+ ", "12. "
        if a + 1 < b, raw[a] == 0x2D || raw[a] == 0x2A || raw[a] == 0x2B, raw[a + 1] == 0x20 { a += 2 }
        var d = a
        while d < b, (0x30...0x39).contains(raw[d]) { d += 1 }
        if d > a, d < b, raw[d] == 0x2E { a = d + 1 }
        while a < b, isSpace(raw[a]) { a += 1 }
        guard a < b else { return }

        if !out.isEmpty { out.append(0x20) }
        var i = a
        while i < b {
            let v = raw[i]
            if v == 0x5D, i + 1 < b, raw[i + 1] == 0x28, let close = raw[(i + 1)..<b].firstIndex(of: 0x29) {
                i = close + 1                                     // ](target) → nothing
                continue
            }
            if v == 0x2A, i + 1 < b, raw[i + 1] == 0x2A { i += 2; continue }   // **
            switch v {
            case 0x5B, 0x60: break                                // [ and `
            case 0x7C: out.append(0x20)                           // | → space
            default: out.append(v)
            }
            i += 1
        }
    }
}
