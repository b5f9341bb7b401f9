/// Screens a student's or teacher's input, in Chinese and English, for self-harm, violence, sexual
/// content involving minors, bullying, extremism and prompt injection, with the rules of a
/// `SafetyLexicon`.
///
/// The text is folded before matching (full-width to half-width, lower case, invisible characters
/// and spaces between Chinese characters removed), so "自 杀" and "ＳＵＩＣＩＤＥ" match like the
/// plain words. Each rule that matches gives one flag; a rule whose downgrade context occurs in
/// the text ("自杀式袭击" in a text about 历史) gives its lower severity.
public struct SafetyScreen: Sendable {
    public let lexicon: SafetyLexicon
    /// The automata of reply screens' forbidden strings: a lesson and rule set give the same ones
    /// on every turn, and building them was a tenth of what the inference path spends on a turn.
    private let forbiddenAutomata = ForbiddenAutomata()

    public init(lexicon: SafetyLexicon = .shipped) {
        self.lexicon = lexicon
    }

    /// The flags raised by `text`, most severe first.
    public func screen(_ text: String) -> [SafetyFlag] {
        let folded = SafetyText(text)
        let scan = lexicon.scan(folded, stage: .input, raw: text)
        let matched = Set(scan.matches.map(\.rule))
        return matched
            .map { lexicon.rules[$0].flag(inContext: scan.contextRules.contains($0)) }
            .sorted(by: Self.moreSevereFirst)
    }

    /// The input side of the pipeline in one call: the text with its personal data redacted (what
    /// may be sent to the model), the flags of the text as written, and the decisions to log.
    public func check(_ text: String, names: [NameToRedact] = [], redactor: PIIRedactor = PIIRedactor()) -> ScreenedInput {
        check(text, prepared: redactor.prepare(names), redactor: redactor)
    }

    public func check(_ text: String, prepared: PIIRedactor.PreparedNames, redactor: PIIRedactor) -> ScreenedInput {
        ScreenedInput(redaction: redactor.redact(text, prepared: prepared), flags: screen(text))
    }

    /// A screen for the streamed reply to the same request, with the same rules.
    public func outputScreen(holdBack: Int = 0, forbidden: [String]) -> OutputScreen {
        OutputScreen(holdBack: holdBack, forbidden: forbiddenAutomata.automaton(for: forbidden), lexicon: lexicon)
    }

    static func moreSevereFirst(_ a: SafetyFlag, _ b: SafetyFlag) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        return a.ruleID < b.ruleID
    }
}

/// A request's input after redaction and screening.
public struct ScreenedInput: Sendable, CustomStringConvertible {
    /// The text to send to the model, and the way to put names back into the reply.
    public let redaction: Redaction
    /// The safety flags, most severe first.
    public let flags: [SafetyFlag]

    /// A high flag: do not send the request; answer with the flag's message and tell the teacher.
    public var mustRefuse: Bool { flags.first?.severity == .high }

    /// Everything to record, redactions and flags alike, without any of the text.
    public var decisions: [SafetyDecision] { redaction.decisions + flags.map { SafetyDecision($0, stage: .input) } }

    /// The same input with more flags (an external moderation's), most severe first.
    public func adding(_ more: [SafetyFlag]) -> ScreenedInput {
        ScreenedInput(redaction: redaction, flags: (flags + more).sorted(by: SafetyScreen.moreSevereFirst))
    }

    public var description: String { "ScreenedInput(\(redaction), flags: \(flags))" }
}
