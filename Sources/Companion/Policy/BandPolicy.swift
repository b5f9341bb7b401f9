import QianxueCore

/// What the learning companion may do for a band (DESIGN.md §7, after the MOE 2025 guideline on
/// generative AI in primary and secondary schools). The values come from `Resources/policy/bands.yaml`;
/// a school may tighten them (``SchoolCompanionRules``), never loosen them.
public struct BandPolicy: Sendable, Equatable {
    /// How the companion speaks to a band; the service turns it into the system prompt.
    public enum ReplyStyle: String, Sendable, Codable, CaseIterable {
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
    /// How replies are worded for this band.
    public var replyStyle: ReplyStyle
    /// Notes for the companion's persona in this band, in Chinese, for the system prompt.
    public var persona: String

    /// A band's rules as written in the data file.
    public init(openChatAlone: Bool, openChatInClassMode: Bool, hintsOnlyOnGradedWork: Bool,
                replyStyle: ReplyStyle, persona: String) {
        self.openChatAlone = openChatAlone
        self.openChatInClassMode = openChatInClassMode
        self.hintsOnlyOnGradedWork = hintsOnlyOnGradedWork
        self.replyStyle = replyStyle
        self.persona = persona
    }

    /// The province's shipped rules for `band`.
    public static func defaults(for band: GradeBand) -> BandPolicy {
        CompanionPolicy.shipped.rules(for: band)
    }

    /// Whether open-ended chat is allowed, with or without a class-mode window open.
    public func allowsOpenChat(inClassMode: Bool) -> Bool {
        inClassMode ? openChatInClassMode : openChatAlone
    }
}

/// One rung of the hint ladder the companion climbs on graded work, lowest first: it never gives
/// the answer, only the next rung, and asks the student a question at each.
public enum HintStep: String, Sendable, Codable, CaseIterable {
    /// Restate the problem: what is given, what is asked.
    case restate
    /// Point to the concept or method the problem uses.
    case concept
    /// Give one partial step and let the student go on.
    case partialStep
    /// Work a similar example (other numbers or setting) in full, then return to the problem.
    case similarExample
}

/// A rung of the hint ladder with the instruction the companion follows on it.
public struct HintRung: Sendable, Equatable {
    /// Which rung.
    public var step: HintStep
    /// What the companion does on it, in Chinese, for the system prompt.
    public var instruction: String

    /// A rung as written in the data file.
    public init(step: HintStep, instruction: String) {
        self.step = step
        self.instruction = instruction
    }
}
