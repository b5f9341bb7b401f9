import Foundation
import QianxueCore

/// Finds the sentence of the caller's passages that bears most on a question: terms (Chinese
/// bigrams, Latin words) shared with the question, each weighted by how rare it is across the
/// passages' sentences, so that a sentence sharing 侗族大歌 outranks one sharing only 我们.
struct PassageMatcher {
    struct Match {
        let passage: GroundingPassage
        let sentence: String
        /// The most telling term the sentence shares with the question.
        let keyword: String
    }

    private struct Sentence {
        let passage: Int
        let text: String
        let keys: Set<UInt64>
    }

    private let passages: [GroundingPassage]
    private let sentences: [Sentence]
    private let documentFrequency: [UInt64: Int]

    init(passages: [GroundingPassage]) {
        self.passages = passages
        var out: [Sentence] = []
        var df: [UInt64: Int] = [:]
        for (i, p) in passages.enumerated() {
            for s in Self.sentences(p.text) {
                let keys = Set(TextTerms.keys(TextTerms.scalars(s)))
                guard !keys.isEmpty else { continue }
                out.append(Sentence(passage: i, text: s, keys: keys))
                for k in keys { df[k, default: 0] += 1 }
            }
        }
        sentences = out
        documentFrequency = df
    }

    /// Terms that say how a question is asked, not what it is about. A sentence sharing only these
    /// with the question is no match: "侗族大歌为什么被称为…" asked in a lesson on jobs once found
    /// "人工智能擅长什么、不擅长什么" and asked the student what 「什么」 means.
    static let askingTerms: Set<UInt64> = Set([
        "什么", "为什", "是什", "怎么", "怎样", "如何", "为何", "哪些", "哪个", "哪里", "多少", "是不", "不是", "是否",
        "可以", "能不", "能够", "我们", "你们", "他们", "一个", "这个", "那个", "这些", "那些", "因为", "所以", "如果",
        "就是", "还是", "没有", "有没", "请问", "知道", "告诉", "的是", "了吗", "一下", "吗", "呢", "吧", "啊", "的", "了", "是",
        "what", "why", "how", "which", "who", "when", "where", "is", "are", "the", "a", "an", "of", "to", "do", "does", "can", "i", "you",
    ].flatMap { TextTerms.keys(TextTerms.scalars($0)) })

    func best(for question: String) -> Match? {
        let qScalars = TextTerms.scalars(question)
        let qKeys = Set(TextTerms.keys(qScalars)).subtracting(Self.askingTerms)
        guard !qKeys.isEmpty, !sentences.isEmpty else { return nil }
        let n = Double(sentences.count)
        func weight(_ k: UInt64) -> Double { log(1 + n / Double(documentFrequency[k] ?? 1)) }
        var best: (index: Int, score: Double)?
        for (i, s) in sentences.enumerated() {
            let score = s.keys.intersection(qKeys).reduce(0) { $0 + weight($1) }
            if score > 0, score > (best?.score ?? 0) { best = (i, score) }
        }
        guard let b = best else { return nil }
        let s = sentences[b.index]
        let shared = s.keys.intersection(qKeys)
        // The keyword: the question's own term (as written) that is rarest among the shared ones.
        let terms = TextTerms.split(qScalars)
        let keyword = terms.max { a, c in
            let ka = TextTerms.keys(a).first.map { shared.contains($0) ? weight($0) : -1 } ?? -1
            let kc = TextTerms.keys(c).first.map { shared.contains($0) ? weight($0) : -1 } ?? -1
            return ka < kc
        }.map { t -> String in
            var str = ""
            str.unicodeScalars.append(contentsOf: t.compactMap(Unicode.Scalar.init))
            return str
        } ?? ""
        return Match(passage: passages[s.passage], sentence: s.text, keyword: keyword)
    }

    /// Sentences of a passage: split after 。！？!? and at line ends; Markdown markers trimmed.
    static func sentences(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        func flush() {
            var t = current.trimmingCharacters(in: .whitespacesAndNewlines)
            while let f = t.first, "#>-*|".contains(f) { t = String(t.dropFirst()).trimmingCharacters(in: .whitespaces) }
            t = t.replacingOccurrences(of: "**", with: "")
            if t.count >= 4 { out.append(String(t.prefix(160))) }
            current = ""
        }
        for ch in text {
            if ch == "\n" { flush(); continue }
            current.append(ch)
            if "。！？!?".contains(ch) { flush() }
        }
        flush()
        return out
    }
}

