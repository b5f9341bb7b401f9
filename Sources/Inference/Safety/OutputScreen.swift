import Synchronization

/// Screens a model's reply while it streams. It holds back exactly the end of the text that could
/// still grow into a flagged term (output patterns are spelled out into terms), a forbidden string,
/// or an exception that would cancel a match — never more than that unless `holdBack` asks for a
/// fixed extra window — so that a severe match or a leak that spans chunk boundaries stops the
/// reply before any of its words are released, while text that cannot become one goes out with
/// the delta that brought it: the screen adds no delay to a first token that starts no term.
///
/// Feed it each delta; send the `text` of each step; stop the stream when a step has a `stop` flag;
/// call `finish()` at the end of the stream to release what was held back.
public struct OutputScreen: Sendable {
    /// What to do after a delta.
    public struct Step: Sendable, Hashable {
        /// Text that is safe to send now (possibly empty).
        public let text: String
        /// A severe match or a leak: send nothing more and end the reply with the flag's message.
        public let stop: SafetyFlag?
        /// Low and medium matches seen for the first time: recorded, the reply goes on.
        public let reported: [SafetyFlag]

        public init(text: String, stop: SafetyFlag?, reported: [SafetyFlag]) {
            self.text = text
            self.stop = stop
            self.reported = reported
        }
    }

    /// Characters (Unicode scalars) held back at the end of the stream beyond those that could
    /// still become a match (0: only those).
    public let holdBack: Int
    private let lexicon: SafetyLexicon
    private let forbidden: TermAutomaton
    /// The end of what was already sent (kept for matches across the boundary), then what was not.
    private var window: [Unicode.Scalar] = []
    private var unsent = 0
    private var contextRules: Set<Int> = []
    private var reportedRules: Set<Int> = []
    /// The flag that stopped the stream, once it has.
    public private(set) var stopped: SafetyFlag?

    /// How much already-sent text is kept for patterns that straddle it (terms need none: the end
    /// of the text that could still grow into a term is never sent early).
    private static let sentTail = 16

    /// - Parameters:
    ///   - holdBack: extra characters held back from the end of the stream so far.
    ///   - forbidden: strings the reply must never contain, such as the system prompt's distinctive
    ///     sentences or an answer key; compared folded like the lexicons and on their letters,
    ///     digits and Chinese characters only, so a change of punctuation or spacing still leaks.
    ///     Latin letters and digits at either end match whole words ("答案：B" is not leaked by
    ///     "答案。Before"); a string of a character or two would stop most replies.
    public init(holdBack: Int = 0, forbidden: [String], lexicon: SafetyLexicon = .shipped) {
        self.init(holdBack: holdBack, forbidden: Self.automaton(forbidden), lexicon: lexicon)
    }

    init(holdBack: Int, forbidden: TermAutomaton, lexicon: SafetyLexicon) {
        self.holdBack = max(0, holdBack)
        self.lexicon = lexicon
        self.forbidden = forbidden
    }

    /// The automaton of the forbidden strings, compared as described at `init`.
    static func automaton(_ forbidden: [String]) -> TermAutomaton {
        TermAutomaton(forbidden.map { SafetyText(skeletonOf: $0).scalars })
    }

    /// Takes the next delta of the reply.
    public mutating func feed(_ delta: String) -> Step {
        if let stopped { return Step(text: "", stop: stopped, reported: []) }
        window.append(contentsOf: delta.unicodeScalars)
        return evaluate(finishing: false)
    }

    /// Ends the stream: checks and releases what was held back.
    public mutating func finish() -> Step {
        if let stopped { return Step(text: "", stop: stopped, reported: []) }
        return evaluate(finishing: true)
    }

    private mutating func evaluate(finishing: Bool) -> Step {
        let text = SafetyText(window)
        let firstUnsent = text.origin.firstIndex { $0 >= unsent } ?? text.count
        var releaseEnd = finishing ? window.count : window.count - holdBack
        var reported: [SafetyFlag] = []

        var leak: Int?
        var forbiddenHold = window.count
        if !forbidden.isEmpty {
            let skeleton = SafetyText(skeletonOf: window)
            let letters = skeleton.scalars
            let firstUnsentLetter = skeleton.origin.firstIndex { $0 >= unsent } ?? skeleton.count
            let open = forbidden.scan(letters) { hit in
                guard hit.end > firstUnsentLetter, leak == nil else { return }
                // "答案b" is not leaked by "答案before": Latin ends match on word boundaries
                if SafetyLexicon.isWordScalar(letters[hit.start]), hit.start > 0, SafetyLexicon.isWordScalar(letters[hit.start - 1]) { return }
                if SafetyLexicon.isWordScalar(letters[hit.end - 1]) {
                    if hit.end == letters.count && !finishing {
                        forbiddenHold = min(forbiddenHold, skeleton.rawIndex(hit.start))
                        return
                    }
                    if hit.end < letters.count, SafetyLexicon.isWordScalar(letters[hit.end]) { return }
                }
                leak = hit.term
            }
            if open > 0 { forbiddenHold = min(forbiddenHold, skeleton.rawIndex(skeleton.count - open)) }
        }
        if let leak {
            return stop(SafetyFlag(category: .leak, severity: .high, ruleID: "leak.forbidden.\(leak)",
                                   message: lexicon.message(for: .leak)))
        }

        let scan = lexicon.scan(text, stage: .output)
        contextRules.formUnion(scan.contextRules)
        for m in scan.matches.sorted(by: { $0.start < $1.start }) where m.end > firstUnsent {
            let reach = lexicon.rules[m.rule].exceptReach
            if !finishing && m.end + reach > text.count {
                // an exception or a longer match may still arrive: decide later, send none of it
                releaseEnd = min(releaseEnd, text.rawIndex(m.start))
                continue
            }
            let flag = lexicon.rules[m.rule].flag(inContext: contextRules.contains(m.rule))
            if flag.severity == .high { return stop(flag) }
            if reportedRules.insert(m.rule).inserted { reported.append(flag) }
        }

        if !finishing {
            if scan.openDepth > 0 { releaseEnd = min(releaseEnd, text.rawIndex(text.count - scan.openDepth)) }
            releaseEnd = min(releaseEnd, forbiddenHold)
        }
        releaseEnd = max(releaseEnd, unsent)
        var out = String.UnicodeScalarView()
        out.append(contentsOf: window[unsent..<releaseEnd])
        unsent = releaseEnd
        if unsent > Self.sentTail {
            window.removeFirst(unsent - Self.sentTail)
            unsent = Self.sentTail
        }
        return Step(text: String(out), stop: nil, reported: reported)
    }

    private mutating func stop(_ flag: SafetyFlag) -> Step {
        stopped = flag
        window = []
        unsent = 0
        return Step(text: "", stop: flag, reported: [])
    }
}

/// Reply screens' automata by their forbidden strings, built once each. Bounded: when full it
/// starts again empty.
final class ForbiddenAutomata: Sendable {
    private let capacity: Int
    private let built = Mutex<[[String]: TermAutomaton]>([:])

    init(capacity: Int = 512) {
        self.capacity = capacity
    }

    func automaton(for forbidden: [String]) -> TermAutomaton {
        if let known = built.withLock({ $0[forbidden] }) { return known }
        let automaton = OutputScreen.automaton(forbidden)
        built.withLock { all in
            if all.count >= capacity { all.removeAll(keepingCapacity: true) }
            all[forbidden] = automaton
        }
        return automaton
    }
}
