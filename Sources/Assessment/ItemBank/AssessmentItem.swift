import QianxueCore

/// One question of the AI-literacy item bank, as read from `Curriculum/assessment/` (see its README).
/// It holds the answer key, the rubric and the IRT parameters, so it stays on the server: it is
/// deliberately not `Codable`, and what a student may see is `publicView`.
public struct AssessmentItem: Sendable, Hashable, Identifiable {
    /// Stable slug that starts with the lower-cased competency code, e.g. `ta-u-001`.
    public let id: String
    public let competency: Competency
    /// The bands the item suits, adjacent to one another, youngest first.
    public let bands: [GradeBand]
    /// The question, in Chinese.
    public let stem: String
    /// Choices for single, multiple and ordering items, in the order they are shown; empty for constructed items.
    public let options: [ItemOption]
    /// How the item is answered and scored; holds the key or the rubric.
    public let key: AnswerKey
    /// Authors' difficulty estimate in logits for a typical student of the item's youngest band (−3…3).
    public let difficulty: Double
    /// `guizhou` and culture tags of `Curriculum/sources.yaml`; empty for items without a local setting.
    public let context: [String]
    /// Ids of `Curriculum/sources.yaml` entries the item's local facts come from.
    public let sources: [String]
    public let status: ItemStatus
    public let reviewer: String?
    /// Review date, `YYYY-MM-DD`.
    public let reviewedOn: String?
    /// Why the key is right and what each distractor tests: for reviewers and teachers, never for students.
    public let rationale: String?
    /// Set by calibration; nil until the item has been calibrated.
    public let irt: IRTParameters?
    /// Where the item is written: path from the curriculum root's parent, and the line its entry starts on.
    public let file: String
    public let line: Int

    /// Builds an item; `ItemBankLoader` is the usual source, and it checks what this does not.
    public init(id: String, competency: Competency, bands: [GradeBand], stem: String, options: [ItemOption], key: AnswerKey,
                difficulty: Double, context: [String] = [], sources: [String] = [], status: ItemStatus,
                reviewer: String? = nil, reviewedOn: String? = nil, rationale: String? = nil, irt: IRTParameters? = nil,
                file: String = "", line: Int = 1) {
        self.id = id
        self.competency = competency
        self.bands = bands
        self.stem = stem
        self.options = options
        self.key = key
        self.difficulty = difficulty
        self.context = context
        self.sources = sources
        self.status = status
        self.reviewer = reviewer
        self.reviewedOn = reviewedOn
        self.rationale = rationale
        self.irt = irt
        self.file = file
        self.line = line
    }

    /// The interaction type, which follows from the key.
    public var type: ItemType { key.type }

    /// The rubric of a constructed-response item.
    public var rubric: Rubric? {
        if case .rubric(let r) = key { return r }
        return nil
    }

    /// Whether the item is set in Guizhou (it carries `guizhou` or a culture tag).
    public var isGuizhouContext: Bool { !context.isEmpty }

    /// Published items are the ones tests and practice may draw on.
    public var isUsable: Bool { status == .published }
}

/// How an item is answered; each maps onto a QTI 3.0 interaction.
public enum ItemType: String, Sendable, Hashable, Codable, CaseIterable {
    case single, multiple, ordering, constructed

    /// The QTI 3.0 interaction the item exports to.
    public var qtiInteraction: String {
        switch self {
        case .single, .multiple: return "qti-choice-interaction"
        case .ordering: return "qti-order-interaction"
        case .constructed: return "qti-extended-text-interaction"
        }
    }

    /// The QTI response cardinality: `single`, `multiple` or `ordered`.
    public var qtiCardinality: String {
        switch self {
        case .single, .constructed: return "single"
        case .multiple: return "multiple"
        case .ordering: return "ordered"
        }
    }
}

/// One choice of a choice or ordering item: an id `A`…`F` (a valid QTI identifier) and its text.
public struct ItemOption: Sendable, Hashable, Codable {
    public let id: String
    public let text: String

    public init(id: String, text: String) {
        self.id = id
        self.text = text
    }
}

/// An item's place in the review workflow, as for lessons: draft → reviewed → published.
public enum ItemStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case draft, reviewed, published
}

/// Two-parameter logistic parameters written by calibration: discrimination `a`, difficulty `b`,
/// the date of the calibration and the number of responses it used.
public struct IRTParameters: Sendable, Hashable {
    /// Discrimination (slope), above 0.
    public let a: Double
    /// Difficulty in logits on the calibrated scale.
    public let b: Double
    /// Date of the calibration run, `YYYY-MM-DD`.
    public let calibratedOn: String
    /// Responses the calibration used.
    public let n: Int

    public init(a: Double, b: Double, calibratedOn: String, n: Int) {
        self.a = a
        self.b = b
        self.calibratedOn = calibratedOn
        self.n = n
    }
}
