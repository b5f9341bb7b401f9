import QianxueCore

/// A student's answer to one item, in the shape of the item's type.
public enum ItemAnswer: Sendable, Hashable, Codable {
    /// Single choice: one option id.
    case choice(String)
    /// Multiple choice: the option ids the student ticked.
    case choices(Set<String>)
    /// Ordering: option ids in the student's order.
    case order([String])
    /// Constructed response: the student's text.
    case text(String)
}

/// The result of scoring one answer.
public enum ItemScore: Sendable, Hashable, Codable {
    /// Scored: points out of `maxPoints`, and whether it counts as correct for the IRT model.
    case scored(points: Int, maxPoints: Int, correct: Bool)
    /// A constructed response waiting for its teacher's score (an AI suggestion does not settle it).
    case pendingTeacherScore(maxPoints: Int)
    /// The answer does not fit the item: wrong shape, or an option the item does not have.
    case invalid(reason: String)

    /// Correct or not for IRT; nil while pending or when the answer is invalid.
    public var isCorrect: Bool? {
        if case .scored(_, _, let correct) = self { return correct }
        return nil
    }
}

extension AssessmentItem {
    /// Scores an answer against the key. Choice and ordering items score 1 or 0, all or nothing:
    /// a multiple-choice answer must tick exactly the keyed options, an ordering answer must put
    /// every option in the keyed place. Constructed responses wait for the teacher.
    public func score(_ answer: ItemAnswer) -> ItemScore {
        let ids = Set(options.map(\.id))
        switch (key, answer) {
        case (.choice(let k), .choice(let a)):
            guard ids.contains(a) else { return .invalid(reason: "\(id) has no option \(a)") }
            return dichotomous(a == k)
        case (.choices(let k), .choices(let a)):
            guard a.isSubset(of: ids) else {
                return .invalid(reason: "\(id) has no option \(a.subtracting(ids).sorted().joined(separator: ", "))")
            }
            return dichotomous(a == k)
        case (.order(let k), .order(let a)):
            guard a.count == ids.count, Set(a) == ids else {
                return .invalid(reason: "an ordering answer to \(id) places each of its \(ids.count) options once")
            }
            return dichotomous(a == k)
        case (.rubric(let r), .text):
            return .pendingTeacherScore(maxPoints: r.maxPoints)
        default:
            return .invalid(reason: "\(id) is a \(type.rawValue) item and takes \(expectedAnswer)")
        }
    }

    /// Records a teacher's score for a constructed response; correct for IRT at or above the rubric's cut.
    public func teacherScore(points: Int) -> ItemScore {
        guard let r = rubric else { return .invalid(reason: "\(id) is scored by its key, not by a teacher") }
        guard (0...r.maxPoints).contains(points) else {
            return .invalid(reason: "\(id) scores 0…\(r.maxPoints), not \(points)")
        }
        return .scored(points: points, maxPoints: r.maxPoints, correct: points >= r.correctAt)
    }

    private func dichotomous(_ correct: Bool) -> ItemScore {
        .scored(points: correct ? 1 : 0, maxPoints: 1, correct: correct)
    }

    private var expectedAnswer: String {
        switch type {
        case .single: return "one option id"
        case .multiple: return "a set of option ids"
        case .ordering: return "an order of option ids"
        case .constructed: return "text"
        }
    }
}


extension AssessmentItem {
    /// What a student's client receives during an attempt: the question and its options, never
    /// the key, the rubric, the authors' difficulty or the IRT parameters.
    public struct PublicView: Sendable, Hashable, Codable {
        public let id: String
        public let type: ItemType
        public let competency: Competency
        public let stem: String
        /// Options in the order authored; ordering items are never authored in their keyed order.
        public let options: [ItemOption]
        /// Points available: 1 for keyed items, the rubric's maximum for constructed ones.
        public let maxPoints: Int
    }

    /// The student-facing view of the item.
    public var publicView: PublicView {
        PublicView(id: id, type: type, competency: competency, stem: stem, options: options, maxPoints: rubric?.maxPoints ?? 1)
    }
}
