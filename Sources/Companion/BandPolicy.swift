import QianxueCore

/// What the learning companion may do for a band (DESIGN.md §7, after the MOE 2025 guideline on
/// generative AI in primary and secondary schools). These are the province's defaults; a school
/// may tighten them, never loosen them.
public struct BandPolicy: Sendable, Equatable {
    public enum ReplyStyle: String, Sendable {
        case warmAndSimple      // 亲切、简短、浅显
        case invitesChecking    // 引导核实 AI 所说
        case inquiry            // 探究：追问理由与出处
        case professional       // 专业
    }

    /// Open-ended chat without a teacher-opened class-mode window.
    public var openChatAlone: Bool
    /// Open-ended chat inside a class-mode window.
    public var openChatInClassMode: Bool
    /// Graded work (assignment, quiz, exam item) gets hints only, never the answer.
    public var hintsOnlyOnGradedWork: Bool
    public var replyStyle: ReplyStyle

    public static func defaults(for band: GradeBand) -> BandPolicy {
        switch band {
        case .primaryLower, .primaryUpper:
            return BandPolicy(openChatAlone: false, openChatInClassMode: true, hintsOnlyOnGradedWork: true, replyStyle: .warmAndSimple)
        case .junior:
            return BandPolicy(openChatAlone: true, openChatInClassMode: true, hintsOnlyOnGradedWork: true, replyStyle: .invitesChecking)
        case .senior:
            return BandPolicy(openChatAlone: true, openChatInClassMode: true, hintsOnlyOnGradedWork: true, replyStyle: .inquiry)
        case .vocational, .higher:
            return BandPolicy(openChatAlone: true, openChatInClassMode: true, hintsOnlyOnGradedWork: true, replyStyle: .professional)
        }
    }

    /// Applies a school's override: each permission is the stricter of the two; hints-only can
    /// only be switched on.
    public func tightened(by school: BandPolicy) -> BandPolicy {
        BandPolicy(openChatAlone: openChatAlone && school.openChatAlone,
                   openChatInClassMode: openChatInClassMode && school.openChatInClassMode,
                   hintsOnlyOnGradedWork: hintsOnlyOnGradedWork || school.hintsOnlyOnGradedWork,
                   replyStyle: school.replyStyle)
    }

    /// Daily companion limit in active minutes: 40 under 16, 90 from 16; no birth date counts as under 16.
    public static func dailyMinutes(age: Int?) -> Int {
        guard let age, age >= 16 else { return 40 }
        return 90
    }
}
