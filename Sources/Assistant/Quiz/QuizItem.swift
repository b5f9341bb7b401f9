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
/// code, bands; `ItemType.single`), with the teacher's review of it.
public struct QuizItem: Sendable, Hashable, Codable {
    public var id: String
    public var type: ItemType
    public var stem: String
    public var options: [ItemOption]
    /// The id of the correct option.
    public var key: String
    /// Why the key is right: shown to students only after they submit.
    public var rationale: String
    public var competency: Competency
    public var bands: [GradeBand]
    public var review: QuizItemReview

    /// The teacher has vouched for the item: approved as written, or edited.
    public var approved: Bool { review == .approved || review == .edited }

    public init(id: String, stem: String, options: [ItemOption], key: String, rationale: String, competency: Competency,
                bands: [GradeBand], review: QuizItemReview = .pending) {
        self.id = id; self.type = .single; self.stem = stem; self.options = options; self.key = key
        self.rationale = rationale; self.competency = competency; self.bands = bands; self.review = review
    }

    /// The same question: what a student reads and how it is scored, whatever its review.
    public func sameQuestion(as other: QuizItem) -> Bool {
        stem == other.stem && options == other.options && key == other.key && rationale == other.rationale && competency == other.competency
    }

    private enum CodingKeys: String, CodingKey { case id, type, stem, options, key, rationale, competency, bands, review, approved }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        type = try c.decodeIfPresent(ItemType.self, forKey: .type) ?? .single
        stem = try c.decode(String.self, forKey: .stem)
        options = try c.decode([ItemOption].self, forKey: .options)
        key = try c.decode(String.self, forKey: .key)
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
        try c.encode(key, forKey: .key)
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
