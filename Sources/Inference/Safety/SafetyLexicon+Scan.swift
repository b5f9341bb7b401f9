import Foundation

/// A rule that matched, with where: scalar offsets in the folded text (for raw rules, UTF-16
/// offsets in the raw text, which nothing but the screen of the input sees).
struct RuleMatch: Sendable, Hashable {
    let rule: Int
    let start: Int
    let end: Int
}

/// What one pass of the lexicon over a text found.
struct LexiconScan: Sendable {
    /// Matches that no exception cancels.
    var matches: [RuleMatch] = []
    /// Rules whose downgrade context occurs in the text.
    var contextRules: Set<Int> = []
    /// The longest end of the text that could still grow into a term of the stage.
    var openDepth = 0
}

extension SafetyLexicon {
    /// Runs the rules of `stage` over `text`; raw rules run on `raw` when it is given. On output
    /// there are only terms (patterns spelled out), on input terms and regular expressions — each
    /// expression only on a text that holds what its matches need (`PatternGate`; `gated: false`
    /// runs them all, for the tests that compare the two).
    func scan(_ text: SafetyText, stage: SafetyStage, raw: String? = nil, gated: Bool = true) -> LexiconScan {
        var result = LexiconScan()
        var candidates: [RuleMatch] = []
        var exceptions: [Int: [Range<Int>]] = [:]
        let scalars = text.scalars
        let terms = stage == .output ? output : input
        result.openDepth = terms.automaton.scan(scalars) { hit in
            let entry = terms.entries[hit.term]
            if entry.boundedStart, hit.start > 0, Self.isWordScalar(scalars[hit.start - 1]) { return }
            if entry.boundedEnd, hit.end < scalars.count, Self.isWordScalar(scalars[hit.end]) { return }
            switch entry.role {
            case .term: candidates.append(RuleMatch(rule: entry.rule, start: hit.start, end: hit.end))
            case .exception: exceptions[entry.rule, default: []].append(hit.start..<hit.end)
            case .context: result.contextRules.insert(entry.rule)
            }
        }
        var folded: String?
        var offsets: UTF16Offsets?
        let admission = stage == .input && gated ? gate.admission(folded: scalars, raw: raw) : nil
        for index in rules.indices where stage == .input && rules[index].hasInputPatterns {
            let rule = rules[index]
            for (k, pattern) in rule.patterns.enumerated() where admission?.admits(rule: index, pattern: k) ?? true {
                if rule.matchesRaw {
                    guard let raw else { break }
                    for r in pattern.ranges(in: raw) {
                        candidates.append(RuleMatch(rule: index, start: r.location, end: r.location + r.length))
                    }
                    continue
                }
                let string = folded ?? text.string
                folded = string
                for r in pattern.ranges(in: string) {
                    let map = offsets ?? UTF16Offsets(scalars)
                    offsets = map
                    candidates.append(RuleMatch(
                        rule: index, start: map.scalarIndex(r.location), end: map.scalarIndex(r.location + r.length)))
                }
            }
        }
        result.matches = candidates.filter { m in
            guard let cancelled = exceptions[m.rule] else { return true }
            return !cancelled.contains { $0.overlaps(m.start..<m.end) }
        }
        return result
    }
}

/// Turns the UTF-16 offsets `NSRegularExpression` reports into scalar offsets.
struct UTF16Offsets {
    private var scalarAt: [Int32]

    init(_ scalars: [Unicode.Scalar]) {
        scalarAt = []
        scalarAt.reserveCapacity(scalars.count + 8)
        for (i, s) in scalars.enumerated() {
            scalarAt.append(Int32(i))
            if s.value > 0xFFFF { scalarAt.append(Int32(i)) }
        }
        scalarAt.append(Int32(scalars.count))
    }

    func scalarIndex(_ utf16: Int) -> Int { Int(scalarAt[min(utf16, scalarAt.count - 1)]) }
}
