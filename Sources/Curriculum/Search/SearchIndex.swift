import Foundation

/// An in-memory BM25 index over lessons, with Chinese character bigrams and lower-cased Latin words
/// as terms (`SearchTokenizer`). Titles and objectives weigh more than the body; a hit on the whole
/// query as written ranks above scattered terms. Built once at start-up; read-only afterwards.
public struct SearchIndex: Sendable {
    public struct Filter: Sendable {
        public var bands: Set<ContentBand>?
        public var culture: String?
        /// A full code (`TA-A`) or a dimension (`TA`).
        public var competency: String?
        public var statuses: Set<LessonStatus>

        public init(bands: Set<ContentBand>? = nil, culture: String? = nil, competency: String? = nil,
                    statuses: Set<LessonStatus> = [.published]) {
            self.bands = bands
            self.culture = culture
            self.competency = competency
            self.statuses = statuses
        }
    }

    public struct Hit: Sendable {
        public let lesson: Lesson
        public let score: Double
        /// A passage around the best match, HTML-escaped, with matches wrapped in `<mark>`.
        public let snippet: String
    }

    struct Document: Sendable {
        let lesson: Lesson
        let length: Double
        /// Searchable text with Markdown markup removed, for phrase checks and snippets.
        let plain: [Character]
        let lower: [Character]
        let titleLower: String
    }

    private static let k1 = 1.2
    private static let b = 0.75
    private static let fieldWeights = (title: 3.0, objectives: 2.0, tags: 2.0, body: 1.0)

    let documents: [Document]
    let postings: [String: [(doc: Int, tf: Double)]]
    let averageLength: Double

    public init(lessons: [Lesson], cultureLabels: [String: String] = [:]) {
        var docs: [Document] = []
        var postings: [String: [(doc: Int, tf: Double)]] = [:]
        var total = 0.0
        for (i, lesson) in lessons.enumerated() {
            var tf: [String: Double] = [:]
            func add(_ text: String, _ weight: Double) {
                for t in SearchTokenizer.terms(text) { tf[t, default: 0] += weight }
            }
            add(lesson.title + " " + lesson.titleEn, Self.fieldWeights.title)
            add(lesson.objectives.map(\.text).joined(separator: " "), Self.fieldWeights.objectives)
            add(lesson.culture.map { cultureLabels[$0] ?? $0 }.joined(separator: " "), Self.fieldWeights.tags)
            let plain = MarkdownText.plain(lesson.markdown)
            add(plain, Self.fieldWeights.body)
            let length = tf.values.reduce(0, +)
            total += length
            for (term, f) in tf { postings[term, default: []].append((i, f)) }
            let chars = Array(plain)
            // Lower-casing the whole text keeps one character per character for nearly every text;
            // where it does not (a few special letters), fall back to character by character.
            let lowered = Array(plain.lowercased())
            docs.append(Document(lesson: lesson, length: length, plain: chars,
                                 lower: lowered.count == chars.count ? lowered : chars.map(Self.lower),
                                 titleLower: (lesson.title + " " + lesson.titleEn).lowercased()))
        }
        self.documents = docs
        self.postings = postings
        self.averageLength = docs.isEmpty ? 1 : total / Double(docs.count)
    }

    public var count: Int { documents.count }

    /// Lessons matching `query`, best first, after the filter. An empty query matches nothing.
    public func search(_ query: String, filter: Filter, limit: Int) -> [Hit] {
        let terms = Array(Set(SearchTokenizer.terms(query)))
        guard !terms.isEmpty, limit > 0 else { return [] }
        let n = Double(documents.count)
        var scores: [Int: Double] = [:]
        for term in terms {
            guard let list = postings[term] else { continue }
            let idf = log(1 + (n - Double(list.count) + 0.5) / (Double(list.count) + 0.5))
            for (doc, tf) in list {
                let norm = tf + Self.k1 * (1 - Self.b + Self.b * documents[doc].length / averageLength)
                scores[doc, default: 0] += idf * tf * (Self.k1 + 1) / norm
            }
        }
        let phrase = Array(query.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
        var ranked: [(doc: Int, score: Double)] = []
        ranked.reserveCapacity(scores.count)
        for (doc, score) in scores where admits(documents[doc].lesson, filter) {
            var s = score
            if phrase.count > 1 {
                if documents[doc].titleLower.contains(String(phrase)) { s *= 1.6 }
                else if Self.find(phrase, in: documents[doc].lower, from: 0) != nil { s *= 1.3 }
            }
            ranked.append((doc, s))
        }
        ranked.sort { $0.score != $1.score ? $0.score > $1.score : documents[$0.doc].lesson.slug < documents[$1.doc].lesson.slug }
        let queryTerms = terms.map(Array.init)
        return ranked.prefix(limit).map { r in
            Hit(lesson: documents[r.doc].lesson, score: r.score,
                snippet: Snippet.make(documents[r.doc], phrase: phrase, terms: queryTerms))
        }
    }

    private func admits(_ l: Lesson, _ f: Filter) -> Bool {
        guard f.statuses.contains(l.status) else { return false }
        if let bands = f.bands, !bands.contains(l.band) { return false }
        if let c = f.culture, !l.culture.contains(c) { return false }
        if let code = f.competency {
            let match = code.contains("-") ? l.objectives.contains { $0.competency == code }
                                           : l.objectives.contains { $0.competency.hasPrefix(code + "-") }
            if !match { return false }
        }
        return true
    }

    static func lower(_ c: Character) -> Character {
        let s = c.lowercased()
        return s.count == 1 ? Character(s) : c
    }

    static func find(_ needle: [Character], in hay: [Character], from start: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count, start <= hay.count - needle.count else { return nil }
        var i = start
        let first = needle[0]
        while i <= hay.count - needle.count {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
