import Assessment
import Foundation
import QianxueCore

/// Where the teacher's review of one quiz item stands. A quiz is approved only once none is pending.
public enum QuizItemReview: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not yet looked at.
    case pending
    /// Kept as the AI wrote it.
    case approved
    /// Changed by the teacher: from now on the item is theirs.
    case edited
    /// Taken out of the quiz; kept in the versions, never shown to students.
    case removed
}

/// One quiz question in the assessment item format (stem, options, key, rationale, competency
/// code, bands): single choice (one key among four options) or multiple choice (two or more keys
/// among four or five, scored all or nothing), with the teacher's review of it.
public struct QuizItem: Sendable, Hashable, Codable {
    public var id: String
    public var stem: String
    public var options: [ItemOption]
    /// `.choice` for a single-choice item, `.choices` for a multiple-choice one.
    public var key: AnswerKey
    /// Why the key is right: shown to students only after they submit.
    public var rationale: String
    public var competency: Competency
    public var bands: [GradeBand]
    public var review: QuizItemReview

    /// The teacher has vouched for the item: approved as written, or edited.
    public var approved: Bool { review == .approved || review == .edited }

    /// Single or multiple, as the key says.
    public var type: ItemType { key.type }

    /// The keyed option ids, in option order.
    public var keys: [String] {
        switch key {
        case .choice(let k): return [k]
        case .choices(let ks): return options.map(\.id).filter(ks.contains) + ks.subtracting(options.map(\.id)).sorted()
        case .order(let ids): return ids
        case .rubric: return []
        }
    }

    /// The key from option ids: one is single choice, two or more multiple choice.
    public static func key(_ ids: [String]) -> AnswerKey {
        ids.count == 1 ? .choice(ids[0]) : .choices(Set(ids))
    }

    /// The item as the assessment scores it (all or nothing for multiple choice).
    public var assessmentItem: AssessmentItem {
        AssessmentItem(id: id, competency: competency, bands: bands, stem: stem, options: options, key: key, difficulty: 0,
                       status: .draft, rationale: rationale)
    }

    public init(id: String, stem: String, options: [ItemOption], key: AnswerKey, rationale: String, competency: Competency,
                bands: [GradeBand], review: QuizItemReview = .pending) {
        self.id = id; self.stem = stem; self.options = options; self.key = key
        self.rationale = rationale; self.competency = competency; self.bands = bands; self.review = review
    }

    /// The same question: what a student reads and how it is scored, whatever its review.
    public func sameQuestion(as other: QuizItem) -> Bool {
        stem == other.stem && options == other.options && key == other.key && rationale == other.rationale && competency == other.competency
    }

    private enum CodingKeys: String, CodingKey { case id, type, stem, options, key, keys, rationale, competency, bands, review, approved }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        stem = try c.decode(String.self, forKey: .stem)
        options = try c.decode([ItemOption].self, forKey: .options)
        if try c.decodeIfPresent(ItemType.self, forKey: .type) == .multiple {
            key = .choices(Set(try c.decode([String].self, forKey: .keys)))
        } else {
            key = .choice(try c.decode(String.self, forKey: .key))
        }
        rationale = try c.decode(String.self, forKey: .rationale)
        competency = try c.decode(Competency.self, forKey: .competency)
        bands = try c.decodeIfPresent([GradeBand].self, forKey: .bands) ?? []
        // Quizzes stored before items had a review carry only `approved`.
        review = try c.decodeIfPresent(QuizItemReview.self, forKey: .review)
            ?? ((try c.decodeIfPresent(Bool.self, forKey: .approved)) == true ? .approved : .pending)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(stem, forKey: .stem)
        try c.encode(options, forKey: .options)
        if type == .multiple { try c.encode(keys, forKey: .keys) } else { try c.encode(keys.first ?? "", forKey: .key) }
        try c.encode(rationale, forKey: .rationale)
        try c.encode(competency, forKey: .competency)
        try c.encode(bands, forKey: .bands)
        try c.encode(review, forKey: .review)
    }

    static func decode(_ json: String) -> [QuizItem]? {
        try? JSONDecoder().decode([QuizItem].self, from: Data(json.utf8))
    }

    static func encode(_ items: [QuizItem]) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(items)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
