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
