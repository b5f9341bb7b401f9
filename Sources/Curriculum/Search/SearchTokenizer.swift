/// Splits text into search terms the way the curriculum index needs: Chinese runs become
/// overlapping character bigrams (a lone character stays a unigram), Latin words and numbers are
/// lower-cased, and punctuation separates. `侗族大歌` → 侗族 族大 大歌.
public enum SearchTokenizer {
    public static func terms(_ text: String) -> [String] {
        var out: [String] = []
        var han: [Character] = []
        var word = ""

        func flushHan() {
            if han.count == 1 { out.append(String(han[0])) }
            if han.count > 1 { for i in 0..<(han.count - 1) { out.append(String(han[i...i + 1])) } }
            han.removeAll(keepingCapacity: true)
        }
        func flushWord() {
            if !word.isEmpty { out.append(word.lowercased()) }
            word = ""
        }

        for ch in text {
            if isHan(ch) {
                flushWord()
                han.append(ch)
            } else if ch.isLetter || ch.isNumber {
                flushHan()
                word.append(ch)
            } else {
                flushHan()
                flushWord()
            }
        }
        flushHan()
        flushWord()
        return out
    }

    static func isHan(_ ch: Character) -> Bool {
        guard let s = ch.unicodeScalars.first else { return false }
        switch s.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: return true
        default: return false
        }
    }
}
