/// Splits text into search terms the way the curriculum index does: Chinese runs become
/// overlapping character bigrams (a lone character stays a unigram), Latin words and numbers are
/// lower-cased, and punctuation separates. `侗族大歌` → 侗族 族大 大歌.
public enum SearchTokenizer {
    public static func terms(_ text: String) -> [String] {
        TermKeys.split(TermKeys.scalars(text)).map { term in
            var s = ""
            s.unicodeScalars.append(contentsOf: term.compactMap(Unicode.Scalar.init))
            return s
        }
    }
}
