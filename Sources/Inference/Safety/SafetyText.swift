import Foundation

/// Text folded for matching, with the way back to the raw text: width-folded (full-width to
/// half-width, NFKC for the rarer compatibility forms), lower-cased, invisible characters removed,
/// and the spaces or separators a writer puts between Chinese characters to dodge a filter
/// ("自 杀", "自*杀") removed, so the lexicons need only one spelling of each term.
struct SafetyText {
    /// The folded scalars.
    private(set) var scalars: [Unicode.Scalar] = []
    /// For each folded scalar, the index of the raw scalar it came from.
    private(set) var origin: [Int] = []
    /// The number of raw scalars folded.
    let rawCount: Int

    /// Folds `raw`. A run of spaces at the very end that follows a Chinese character is dropped, as
    /// the next character of a stream may well be Chinese too.
    init(_ raw: [Unicode.Scalar]) {
        rawCount = raw.count
        var folded: [Unicode.Scalar] = []
        var from: [Int] = []
        folded.reserveCapacity(raw.count)
        from.reserveCapacity(raw.count)
        for (i, s) in raw.enumerated() {
            Self.fold(s) { folded.append($0); from.append(i) }
        }
        joinGaps(folded, from)
    }

    /// Only the letters, digits and Chinese characters of `raw`, folded, with one space where
    /// anything else separated two Latin letters or digits ("答案：B, C" → "答案b c"): the form in
    /// which a leak is looked for, so that a model that changes punctuation or spacing still leaks.
    init(skeletonOf raw: [Unicode.Scalar]) {
        rawCount = raw.count
        var gap: Int?
        for (i, s) in raw.enumerated() {
            Self.fold(s) { t in
                guard Self.isLetterOrDigit(t) else {
                    if gap == nil { gap = i }
                    return
                }
                if let g = gap, let last = scalars.last, SafetyLexicon.isWordScalar(last), SafetyLexicon.isWordScalar(t) {
                    scalars.append(" ")
                    origin.append(g)
                }
                gap = nil
                scalars.append(t)
                origin.append(i)
            }
        }
    }

    init(skeletonOf text: String) { self.init(skeletonOf: Array(text.unicodeScalars)) }

    private mutating func joinGaps(_ folded: [Unicode.Scalar], _ from: [Int]) {
        scalars.reserveCapacity(folded.count)
        origin.reserveCapacity(folded.count)
        var i = 0
        while i < folded.count {
            guard Self.isGap(folded[i]) else {
                scalars.append(folded[i])
                origin.append(from[i])
                i += 1
                continue
            }
            var j = i
            var hasSpace = false
            while j < folded.count, Self.isGap(folded[j]) {
                if folded[j] == " " { hasSpace = true }
                j += 1
            }
            let before = scalars.last.map(Self.isHan) ?? false
            let after = j < folded.count ? Self.isHan(folded[j]) : before
            if before && after {
                // between two Chinese characters (or trailing after one): gone
            } else if hasSpace {
                scalars.append(" ")
                origin.append(from[i])
            } else {
                for k in i..<j {
                    scalars.append(folded[k])
                    origin.append(from[k])
                }
            }
            i = j
        }
    }

    init(_ text: String) { self.init(Array(text.unicodeScalars)) }

    var count: Int { scalars.count }

    var string: String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// The raw index where the folded scalar at `index` begins; `rawCount` past the end.
    func rawIndex(_ index: Int) -> Int { index < origin.count ? origin[index] : rawCount }

    /// Folds one scalar, handing the result (zero, one or more scalars) to `emit`.
    static func fold(_ s: Unicode.Scalar, _ emit: (Unicode.Scalar) -> Void) {
        let v = s.value
        if v < 0x80 {
            if v >= 0x41 && v <= 0x5A { emit(Unicode.Scalar(v + 0x20)!) } else if v == 0x09 { emit(" ") } else { emit(s) }
            return
        }
        if isInvisible(v) { return }
        if v >= 0xFF01 && v <= 0xFF5E {   // full-width ASCII
            let half = v - 0xFEE0
            emit(Unicode.Scalar(half >= 0x41 && half <= 0x5A ? half + 0x20 : half)!)
            return
        }
        if v == 0x3000 || v == 0x00A0 { emit(" "); return }
        if v == 0x2018 || v == 0x2019 || v == 0x2032 { emit("'"); return }   // curly apostrophes, as phones type them
        if v == 0x201C || v == 0x201D { emit("\""); return }
        if isHan(s) || (v >= 0x3001 && v <= 0x303F) { emit(s); return }
        guard s.properties.changesWhenNFKCCaseFolded else { emit(s); return }
        for t in String(s).precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars where !isInvisible(t.value) {
            emit(t)
        }
    }

    /// Zero-width and format characters, bidi controls, variation selectors and Unicode tags: they
    /// render as nothing and are used to split a word so that a filter misses it.
    static func isInvisible(_ v: UInt32) -> Bool {
        switch v {
        case 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x180E, 0x3164, 0xFEFF, 0xFFA0: true
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x206F: true
        case 0xFE00...0xFE0F, 0xE0000...0xE007F, 0xE0100...0xE01EF: true
        default: false
        }
    }

    /// Horizontal space and the separators put between characters to break up a word.
    static func isGap(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case " ", "*", "_", "~", "·", "・", "•", "-", ".", "|", "/", "\\", "+", "#", "^": true
        default: false
        }
    }

    static func isLetterOrDigit(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x30...0x39, 0x61...0x7A, 0x41...0x5A: return true
        case 0..<0x80, 0x3000...0x303F: return false
        default: return isHan(s) || s.properties.isAlphabetic || s.properties.numericType != nil
        }
    }

    static func isHan(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: true
        default: false
        }
    }
}
