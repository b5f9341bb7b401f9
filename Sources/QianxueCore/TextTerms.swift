/// Search terms for Chinese and Latin text, shared by the curriculum index and the offline
/// provider's passage matching. Chinese runs become overlapping character bigrams (a lone
/// character stays a unigram); Latin words and numbers are lower-cased; punctuation separates.
///
/// `keys` gives the terms as integers, computed over Unicode scalars (no grapheme breaking, no
/// string per term): a Han bigram packs both scalars with the top bit set, a lone Han character is
/// its scalar, and a Latin word or number is a 64-bit FNV-1a hash of its lower-cased scalars with
/// bit 62 set. `split` and `terms` give the same terms as scalars and strings.
public enum TextTerms {
    public static func keys(_ text: [UInt32]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(text.count)
        var i = 0
        let n = text.count
        while i < n {
            let c = text[i]
            if isHan(c) {
                var j = i
                while j < n, isHan(text[j]) { j += 1 }
                if j - i == 1 {
                    out.append(UInt64(c))
                } else {
                    for k in i..<(j - 1) { out.append(bigram(text[k], text[k + 1])) }
                }
                i = j
            } else if isWordScalar(c) {
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                var j = i
                while j < n, isWordScalar(text[j]), !isHan(text[j]) {
                    h = (h ^ UInt64(lower(text[j]))) &* 0x100_0000_01b3
                    j += 1
                }
                out.append((h & 0x3FFF_FFFF_FFFF_FFFF) | 0x4000_0000_0000_0000)
                i = j
            } else {
                i += 1
            }
        }
        return out
    }

    /// The same terms as scalar sequences, lower-cased: each Han bigram (or lone character) and each
    /// Latin word.
    public static func split(_ text: [UInt32]) -> [[UInt32]] {
        var out: [[UInt32]] = []
        var i = 0
        let q = text.map(lower)
        while i < q.count {
            if isHan(q[i]) {
                var j = i
                while j < q.count, isHan(q[j]) { j += 1 }
                if j - i == 1 { out.append([q[i]]) } else { for k in i..<(j - 1) { out.append([q[k], q[k + 1]]) } }
                i = j
            } else if isWordScalar(q[i]) {
                var j = i
                while j < q.count, isWordScalar(q[j]), !isHan(q[j]) { j += 1 }
                out.append(Array(q[i..<j]))
                i = j
            } else {
                i += 1
            }
        }
        return out
    }

    public static func bigram(_ a: UInt32, _ b: UInt32) -> UInt64 {
        0x8000_0000_0000_0000 | (UInt64(a) << 21) | UInt64(b)
    }

    public static func isHan(_ v: UInt32) -> Bool {
        (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xF900...0xFAFF).contains(v)
            || (0x20000...0x2FA1F).contains(v)
    }

    public static func isWordScalar(_ v: UInt32) -> Bool {
        if v < 0x80 {
            return (0x30...0x39).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v)
        }
        guard let s = Unicode.Scalar(v) else { return false }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    /// ASCII and single-scalar lower-case mappings; other scalars unchanged.
    public static func lower(_ v: UInt32) -> UInt32 {
        if v < 0x80 { return (0x41...0x5A).contains(v) ? v + 0x20 : v }
        guard let s = Unicode.Scalar(v), s.properties.isUppercase else { return v }
        let m = s.properties.lowercaseMapping.unicodeScalars
        return m.count == 1 ? m.first!.value : v
    }

    public static func scalars(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }
}

extension TextTerms {
    /// The terms as strings: `侗族大歌` → 侗族 族大 大歌.
    public static func terms(_ text: String) -> [String] {
        split(scalars(text)).map { term in
            var s = ""
            s.unicodeScalars.append(contentsOf: term.compactMap(Unicode.Scalar.init))
            return s
        }
    }
}
