/// The answer key of an item, one case per item type. Keys never leave the server during an
/// attempt; `AssessmentItem.publicView` is what a client receives.
public enum AnswerKey: Sendable, Hashable {
    /// Single choice: the id of the one correct option.
    case choice(String)
    /// Multiple choice: the ids of all correct options (at least two, and not every option).
    case choices(Set<String>)
    /// Ordering: every option id, in the correct order.
    case order([String])
    /// Constructed response: scored by a teacher against the rubric.
    case rubric(Rubric)

    /// The item type this key belongs to.
    public var type: ItemType {
        switch self {
        case .choice: return .single
        case .choices: return .multiple
        case .order: return .ordering
        case .rubric: return .constructed
        }
    }
}

/// How a teacher scores a constructed response: one descriptor per score point from 0 to
/// `maxPoints`, and the cut at or above which the response counts as correct for the
/// dichotomous IRT model. An AI may suggest a score; only the teacher's score is recorded.
public struct Rubric: Sendable, Hashable {
    /// One score point and what a response at that point looks like.
    public struct Level: Sendable, Hashable {
        public let points: Int
        public let descriptor: String

        public init(points: Int, descriptor: String) {
            self.points = points
            self.descriptor = descriptor
        }
    }

    public let maxPoints: Int
    /// The lowest score that counts as correct for IRT (1…maxPoints).
    public let correctAt: Int
    /// Levels from 0 to `maxPoints`, one per score point.
    public let levels: [Level]
    /// A model answer for the teacher, at full marks.
    public let exemplar: String?

    public init(maxPoints: Int, correctAt: Int, levels: [Level], exemplar: String? = nil) {
        self.maxPoints = maxPoints
        self.correctAt = correctAt
        self.levels = levels
        self.exemplar = exemplar
    }

    /// The descriptor for a score, if the rubric has that score point.
    public func descriptor(for points: Int) -> String? {
        levels.first { $0.points == points }?.descriptor
    }
}
