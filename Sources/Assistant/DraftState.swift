/// Where a teacher-assistant draft stands. AI-written material reaches students only after a
/// teacher approves it (MOE 2025 teacher guideline): draft → edited → approved → published.
public enum DraftState: String, Sendable, CaseIterable, Codable {
    case draft, edited, approved, published

    /// The states a draft may move to from here. Editing an approved draft sends it back for approval.
    public var next: Set<DraftState> {
        switch self {
        case .draft: return [.edited, .approved]
        case .edited: return [.edited, .approved]
        case .approved: return [.edited, .published]
        case .published: return []
        }
    }

    public func canMove(to target: DraftState) -> Bool { next.contains(target) }

    /// Students may see a draft only once it is published.
    public var visibleToStudents: Bool { self == .published }
}

/// What a member of staff is to a draft. Every one of them reads it and its versions; its author
/// and the other teachers of its class edit it (under `If-Match`); only its author, the school's
/// admin or a platform admin approves and publishes it — the teacher who asked for AI-written
/// material answers for it, or the school does.
enum DraftReader {
    case author, coTeacher, schoolAdmin, admin

    var mayEdit: Bool { self != .schoolAdmin }
    var mayDecide: Bool { self != .coTeacher }
}
