/// The input screen's pre-filter for regular expressions: the strings each input pattern's matches
/// must contain (`PatternRequirement`), found in one pass of an automaton over the text, so that a
/// pattern runs only on a text that holds one of them. Most messages hold none of most patterns'
/// strings, and running an `NSRegularExpression` was the largest item of screening a message.
///
/// A pattern whose requirement cannot be read always runs. Patterns on folded text are gated on the
/// folded text, raw patterns on the text as written — each on the text it would run on.
struct PatternGate: Sendable {
    /// A pattern of a rule: `rule` indexes the lexicon's rules, `pattern` that rule's patterns.
    struct Slot: Hashable, Sendable {
        let rule: Int
        let pattern: Int
    }

    /// The patterns that may match one text.
    struct Admission: Sendable {
        fileprivate var open: Set<Slot>
        fileprivate let ungated: Set<Slot>

        func admits(rule: Int, pattern: Int) -> Bool {
            let slot = Slot(rule: rule, pattern: pattern)
            return ungated.contains(slot) || open.contains(slot)
        }
    }

    private struct Side: Sendable {
        var automaton = TermAutomaton([])
        /// For each automaton term, the patterns that need it.
        var owners: [[Slot]] = []

        init(_ needs: [Slot: Set<String>]) {
            var index: [String: Int] = [:]
            var terms: [[Unicode.Scalar]] = []
            for (slot, strings) in needs {
                for s in strings {
                    let t: Int
                    if let known = index[s] {
                        t = known
                    } else {
                        t = terms.count
                        index[s] = t
                        terms.append(Array(s.unicodeScalars))
                        owners.append([])
                    }
                    owners[t].append(slot)
                }
            }
            automaton = TermAutomaton(terms)
        }

        func open(in scalars: [Unicode.Scalar], into open: inout Set<Slot>) {
            guard !owners.isEmpty else { return }
            automaton.scan(scalars) { hit in open.formUnion(owners[hit.term]) }
        }
    }

    private let folded: Side
    private let raw: Side
    private let ungated: Set<Slot>

    init(rules: [SafetyRule]) {
        var foldedNeeds: [Slot: Set<String>] = [:], rawNeeds: [Slot: Set<String>] = [:]
        var ungated: Set<Slot> = []
        for (r, rule) in rules.enumerated() where rule.hasInputPatterns {
            for (p, pattern) in rule.patterns.enumerated() {
                let slot = Slot(rule: r, pattern: p)
                guard let needs = PatternRequirement.strings(of: pattern.source), !needs.isEmpty, !needs.contains("") else {
                    ungated.insert(slot)
                    continue
                }
                if rule.matchesRaw { rawNeeds[slot] = needs } else { foldedNeeds[slot] = needs }
            }
        }
        folded = Side(foldedNeeds)
        raw = Side(rawNeeds)
        self.ungated = ungated
    }

    /// Which patterns may match: those whose strings `folded` (or, for raw patterns, `raw`) holds,
    /// and those without a requirement.
    func admission(folded text: [Unicode.Scalar], raw rawText: String?) -> Admission {
        var open: Set<Slot> = []
        folded.open(in: text, into: &open)
        if let rawText { raw.open(in: Array(rawText.unicodeScalars), into: &open) }
        return Admission(open: open, ungated: ungated)
    }

    /// How many patterns are gated (have a requirement), for the tests.
    var gatedCount: Int { Set(folded.owners.joined()).count + Set(raw.owners.joined()).count }
}
