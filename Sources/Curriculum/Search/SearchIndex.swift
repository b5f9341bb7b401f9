import QianxueCore
import Foundation

/// An in-memory BM25 index over lessons, with Chinese character bigrams and lower-cased Latin words
/// as terms (`TextTerms`). Titles and objectives weigh more than the body; a hit on the whole
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
        /// Searchable text with Markdown markup removed, as scalars, for snippets; and lower-cased
        /// for phrase checks and highlighting.
        let plain: [UInt32]
        let lower: [UInt32]
        let titleLower: [UInt32]
    }

    private static let k1 = 1.2
    private static let b = 0.75
    private static let fieldWeights = (title: 3.0, objectives: 2.0, tags: 2.0, body: 1.0)

    let documents: [Document]
    let postings: [UInt64: [(doc: Int32, tf: Float)]]
    let averageLength: Double

    public init(lessons: [Lesson], cultureLabels: [String: String] = [:]) {
        var docs: [Document] = []
        docs.reserveCapacity(lessons.count)
        var postings: [UInt64: [(doc: Int32, tf: Float)]] = [:]
        var total = 0.0
        for (i, lesson) in lessons.enumerated() {
            var tf: [UInt64: Float] = [:]
            func add(_ text: [UInt32], _ weight: Double) {
                for t in TextTerms.keys(text) { tf[t, default: 0] += Float(weight) }
            }
            let title = TextTerms.scalars(lesson.title + " " + lesson.titleEn)
            add(title, Self.fieldWeights.title)
            add(TextTerms.scalars(lesson.objectives.map(\.text).joined(separator: " ")), Self.fieldWeights.objectives)
            add(TextTerms.scalars(lesson.culture.map { cultureLabels[$0] ?? $0 }.joined(separator: " ")), Self.fieldWeights.tags)
            let plain = MarkdownText.plain(lesson.markdown)
            add(plain, Self.fieldWeights.body)
            let length = tf.values.reduce(0) { $0 + Double($1) }
            total += length
            for (term, f) in tf { postings[term, default: []].append((Int32(i), f)) }
            docs.append(Document(lesson: lesson, length: length, plain: plain, lower: plain.map(TextTerms.lower),
                                 titleLower: title.map(TextTerms.lower)))
        }
        self.documents = docs
        self.postings = postings
        self.averageLength = docs.isEmpty ? 1 : total / Double(docs.count)
    }

    public var count: Int { documents.count }

    /// Lessons matching `query`, best first, after the filter. An empty query matches nothing.
    public func search(_ query: String, filter: Filter, limit: Int) -> [Hit] {
        let queryScalars = TextTerms.scalars(query)
        let keys = Array(Set(TextTerms.keys(queryScalars)))
        guard !keys.isEmpty, limit > 0 else { return [] }
        let n = Double(documents.count)
        var scores: [Int32: Double] = [:]
        var matched: [Int32: Int] = [:]
        for key in keys {
            guard let list = postings[key] else { continue }
            let idf = log(1 + (n - Double(list.count) + 0.5) / (Double(list.count) + 0.5))
            for (doc, f) in list {
                let tf = Double(f)
                let norm = tf + Self.k1 * (1 - Self.b + Self.b * documents[Int(doc)].length / averageLength)
                scores[doc, default: 0] += idf * tf * (Self.k1 + 1) / norm
                matched[doc, default: 0] += 1
            }
        }
        // The whole query as written: a bonus where it stands in the title, a smaller one in the text.
        // Only documents holding every term can hold the phrase; a one-term query is its own phrase.
        let phrase = Self.trimmed(queryScalars.map(TextTerms.lower))
        let checkPhrase = phrase.count > 1 && (keys.count > 1 || TextTerms.keys(phrase).count > 1)
        var ranked: [(doc: Int, score: Double)] = []
        ranked.reserveCapacity(scores.count)
        for (doc32, score) in scores {
            let doc = Int(doc32)
            guard admits(documents[doc].lesson, filter) else { continue }
            var s = score
            if checkPhrase, matched[doc32] == keys.count {
                if Self.find(phrase, in: documents[doc].titleLower, from: 0) != nil { s *= 1.6 }
                else if Self.find(phrase, in: documents[doc].lower, from: 0) != nil { s *= 1.3 }
            }
            ranked.append((doc, s))
        }
        let top = Self.best(ranked, limit) { documents[$0].lesson.slug }
        let queryTerms = TextTerms.split(queryScalars)
        return top.map { r in
            Hit(lesson: documents[r.doc].lesson, score: r.score,
                snippet: Snippet.make(documents[r.doc], phrase: phrase, terms: queryTerms))
        }
    }

    /// The `limit` best, by score then slug, without sorting everything.
    static func best(_ all: [(doc: Int, score: Double)], _ limit: Int, slug: (Int) -> String) -> [(doc: Int, score: Double)] {
        func before(_ a: (doc: Int, score: Double), _ b: (doc: Int, score: Double)) -> Bool {
            a.score != b.score ? a.score > b.score : slug(a.doc) < slug(b.doc)
        }
        if all.count <= limit * 4 { return Array(all.sorted(by: before).prefix(limit)) }
        var top: [(doc: Int, score: Double)] = []
        top.reserveCapacity(limit + 1)
        for r in all {
            if top.count == limit, let last = top.last, !before(r, last) { continue }
            let at = top.firstIndex { before(r, $0) } ?? top.count
            top.insert(r, at: at)
            if top.count > limit { top.removeLast() }
        }
        return top
    }

    static func trimmed(_ s: [UInt32]) -> [UInt32] {
        func space(_ v: UInt32) -> Bool { v == 0x20 || v == 0x09 || v == 0x0A || v == 0x0D || v == 0x3000 }
        var a = 0, b = s.count
        while a < b, space(s[a]) { a += 1 }
        while b > a, space(s[b - 1]) { b -= 1 }
        return Array(s[a..<b])
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

    static func find(_ needle: [UInt32], in hay: [UInt32], from start: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count, start <= hay.count - needle.count else { return nil }
        let first = needle[0]
        var i = start
        let last = hay.count - needle.count
        while i <= last {
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
