import Assessment
import FluentKit
import Foundation
import QianxueCore

/// A teacher's review of one quiz item: a new review, a change to the question, or both.
public struct QuizItemChange: Sendable {
    public var review: QuizItemReview?
    public var stem: String?
    public var options: [ItemOption]?
    /// One key (single choice) …
    public var key: String?
    /// … or the keys: two or more make the item multiple choice, scored all or nothing.
    public var keys: [String]?
    public var rationale: String?
    public var competency: Competency?
    public var note: String?

    public init(review: QuizItemReview? = nil, stem: String? = nil, options: [ItemOption]? = nil, key: String? = nil,
                keys: [String]? = nil, rationale: String? = nil, competency: Competency? = nil, note: String? = nil) {
        self.review = review; self.stem = stem; self.options = options; self.key = key; self.keys = keys
        self.rationale = rationale; self.competency = competency; self.note = note
    }

    /// The fields of the question this change rewrites, in the order the API names them.
    var changedFields: [String] {
        [("stem", stem != nil), ("options", options != nil), ("key", key != nil), ("keys", keys != nil), ("rationale", rationale != nil),
         ("competency", competency != nil)].filter(\.1).map(\.0)
    }
}

extension AssistantService {
    /// Reviews one item of a quiz under `If-Match`: approves it as written, edits it (then it is
    /// the teacher's: `edited`), removes it from the quiz, or puts it back to pending. Every change
    /// is a new version and sends the draft back to `edited`; a change that changes nothing
    /// answers the draft as it is.
    public func reviewItem(_ id: UUID, item itemID: String, _ change: QuizItemChange, ifMatch: String?, by p: Principal) async throws -> DraftRecord {
        let m = try await editable(id, by: p, to: "review the items of")
        try Self.check(ifMatch, m)
        var items = m.kind == DraftKind.quiz.rawValue ? QuizItem.decode(m.items ?? "[]") ?? [] : []
        guard let index = items.firstIndex(where: { $0.id == itemID }) else {
            throw AppError.notFound("item '\(itemID)' of draft \(id)" + (items.isEmpty ? " (it is not a quiz)" : " (items: \(items.map(\.id).joined(separator: ", ")))"))
        }
        let before = items[index]
        var item = before
        let rewritten = change.changedFields
        switch (change.review, rewritten.isEmpty) {
        case (nil, true):
            throw AppError.validation("send review (approved, removed or pending) or a change to stem, options, key(s) or rationale", field: "review")
        case (.edited?, true):
            throw AppError.validation("an item becomes edited by a change to its stem, options, key or rationale; send one", field: "review")
        case (.removed?, false), (.pending?, false):
            throw AppError.validation("a changed item is the teacher's (edited); change it or \(change.review!.rawValue == "removed" ? "remove" : "reset") it, not both", field: "review")
        case (let review?, true): item.review = review
        case (_, false): item.review = .edited
        }
        if let stem = change.stem { item.stem = stem.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let options = change.options { item.options = options.map { ItemOption(id: $0.id, text: $0.text.trimmingCharacters(in: .whitespacesAndNewlines)) } }
        if let keys = change.keys ?? change.key.map({ [$0] }) { item.key = QuizItem.key(keys) }
        if let rationale = change.rationale { item.rationale = rationale.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let competency = change.competency { item.competency = competency }
        if item.review == .edited {
            let problems = QuizValidator.problems(of: item, number: index + 1)
            if let first = problems.first {
                throw AppError.validation(problems.joined(separator: "; "), field: QuizValidator.field(of: first, among: rewritten))
            }
        }
        if change.key != nil, change.keys != nil { throw AppError.validation("send key (single choice) or keys, not both", field: "keys") }
        if let note = change.note, note.count > 500 { throw AppError.validation("note is at most 500 characters", field: "note") }
        guard item != before else { return DraftRecord(m) }
        items[index] = item
        try move(m, to: .edited)
        m.items = QuizItem.encode(items)
        m.content = DraftPrompt.render(items.filter { $0.review != .removed })
        let what = item.review == .pending ? "back to pending" : item.review.rawValue
        return try await save(m, expecting: m.version, author: .teacher, by: p, note: change.note ?? "item \(index + 1) (\(itemID)) \(what)")
    }

    /// Why a quiz cannot be approved yet: items not reviewed (by number and id), or none left.
    static func unreviewed(_ items: [QuizItem], draft id: UUID) -> AppError? {
        let pending = items.enumerated().filter { $0.element.review == .pending }
        if !pending.isEmpty {
            let numbers = pending.map { String($0.offset + 1) }.joined(separator: ", ")
            return AppError(.conflict, "review every item first: item\(pending.count == 1 ? "" : "s") \(numbers) (\(pending.map(\.element.id).joined(separator: ", "))) "
                + "\(pending.count == 1 ? "is" : "are") still pending — approve, edit or remove each with PATCH /v1/assistant/drafts/\(id)/items/{itemId}",
                fields: pending.map { "items[\($0.offset)]" })
        }
        if !items.contains(where: { $0.review != .removed }) {
            return AppError.conflict("every item of the quiz was removed; put one back or ask for a new quiz")
        }
        return nil
    }
}
