import QianxueCore

/// A fixed test form of the item bank (`Curriculum/assessment/forms/`): the same items in the same
/// order for every student of a band, given at the start of a term (pre-test) or at its end
/// (post-test) and scored on the same scale as adaptive tests. Its item list stays on the server.
public struct TestForm: Sendable, Hashable, Identifiable {
    /// Whether the form opens or closes the term.
    public enum Purpose: String, Sendable, Hashable, Codable, CaseIterable { case pre, post }

    /// Slug, the same as the file's name: `junior-2026-2027-2-pre`.
    public let id: String
    public let title: String
    /// `YYYY-YYYY-1` or `YYYY-YYYY-2`.
    public let term: String
    public let band: GradeBand
    public let purpose: Purpose
    /// The items in the order they are shown.
    public let itemIDs: [String]
    public let status: ItemStatus
    public let reviewer: String?
    public let reviewedOn: String?
    /// Path from the curriculum root's parent, for messages.
    public let file: String

    public init(id: String, title: String, term: String, band: GradeBand, purpose: Purpose, itemIDs: [String],
                status: ItemStatus, reviewer: String? = nil, reviewedOn: String? = nil, file: String = "") {
        self.id = id
        self.title = title
        self.term = term
        self.band = band
        self.purpose = purpose
        self.itemIDs = itemIDs
        self.status = status
        self.reviewer = reviewer
        self.reviewedOn = reviewedOn
        self.file = file
    }

    /// Only published forms may be sat.
    public var isUsable: Bool { status == .published }

    /// The form as the fixed sequence the psychometric engine scores.
    public var fixedForm: FixedForm { FixedForm(itemIDs: itemIDs) }
}

/// What anyone signed in may know of a form: no item ids, so that students cannot study the questions.
public struct TestFormSummary: Sendable, Hashable {
    public let id: String
    public let title: String
    public let term: String
    public let band: GradeBand
    public let purpose: TestForm.Purpose
    public let itemCount: Int
    /// Items per dimension, in the framework's order.
    public let itemsPerDimension: [(Competency.Dimension, Int)]
    /// Items a teacher scores against a rubric.
    public let teacherScored: Int

    public static func == (a: Self, b: Self) -> Bool { a.id == b.id }
    public func hash(into h: inout Hasher) { h.combine(id) }
}

extension ItemBank {
    /// The summary of a form whose items are in this bank.
    public func summary(of form: TestForm) -> TestFormSummary {
        let items = form.itemIDs.compactMap { item(id: $0) }
        let perDimension = Competency.Dimension.allCases.map { d in (d, items.filter { $0.competency.dimension == d }.count) }
        return TestFormSummary(id: form.id, title: form.title, term: form.term, band: form.band, purpose: form.purpose,
                               itemCount: form.itemIDs.count, itemsPerDimension: perDimension,
                               teacherScored: items.filter { $0.type == .constructed }.count)
    }
}
