import Foundation

/// The safety rules of every category, loaded from the YAML files of `Resources/safety/` and
/// compiled once: the terms of each stage in one automaton, input patterns as regular expressions.
/// Output patterns are spelled out into terms (`PatternExpansion`), so the stream's screen needs no
/// regular expression and knows exactly which characters could still become a match.
public struct SafetyLexicon: Sendable {
    enum Role: Sendable { case term, exception, context }

    /// What an automaton term stands for.
    struct TermEntry: Sendable {
        let rule: Int
        let role: Role
        /// English terms match on word boundaries unless written with a `*` at that end.
        let boundedStart: Bool
        let boundedEnd: Bool
        let onInput: Bool
        let onOutput: Bool

        func applies(to stage: SafetyStage) -> Bool { stage == .output ? onOutput : onInput }
    }

    /// The terms of one stage in one automaton, with the entry each automaton term stands for.
    struct StageTerms: Sendable {
        let automaton: TermAutomaton
        let entries: [TermEntry]

        init(_ terms: [[Unicode.Scalar]], _ entries: [TermEntry], stage: SafetyStage) {
            let chosen = entries.indices.filter { entries[$0].applies(to: stage) }
            automaton = TermAutomaton(chosen.map { terms[$0] })
            self.entries = chosen.map { entries[$0] }
        }
    }

    let rules: [SafetyRule]
    let input: StageTerms
    let output: StageTerms
    let messages: [SafetyCategory: String]
    /// Which input patterns a text could match, before any runs.
    let gate: PatternGate

    /// The rules shipped with the platform. A broken shipped file is a packaging error, caught by
    /// the tests, so it stops the process rather than running without a safety screen.
    public static let shipped: SafetyLexicon = {
        guard let directory = Bundle.module.url(forResource: "safety", withExtension: nil) else {
            preconditionFailure("the safety rules are missing from the Inference bundle")
        }
        do {
            return try load(from: directory)
        } catch {
            preconditionFailure("\(error)")
        }
    }()

    /// Loads every `*.yaml` file of `directory`, one category per file.
    public static func load(from directory: URL) throws -> SafetyLexicon {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") }
            .sorted()
        var files: [(String, SafetyRuleFile)] = []
        for name in names {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            files.append((name, try SafetyRuleFile.decode(text, file: name)))
        }
        return try SafetyLexicon(files: files)
    }

    init(files: [(name: String, file: SafetyRuleFile)]) throws {
        var rules: [SafetyRule] = []
        var entries: [TermEntry] = []
        var terms: [[Unicode.Scalar]] = []
        var messages: [SafetyCategory: String] = [:]
        var ids: Set<String> = []

        func add(_ text: String, rule: Int, role: Role, file: String, outputOnly: Bool = false) throws {
            var t = text.trimmingCharacters(in: .whitespaces)
            let openStart = t.hasPrefix("*"), openEnd = t.hasSuffix("*")
            t = t.trimmingCharacters(in: CharacterSet(charactersIn: "*"))
            let folded = SafetyText(t).scalars
            guard !folded.isEmpty else { throw SafetyLexiconError(file: file, reason: "empty term in rule \(rules[rule].id)") }
            terms.append(folded)
            entries.append(TermEntry(
                rule: rule, role: role,
                boundedStart: !openStart && Self.isWordScalar(folded.first!),
                boundedEnd: !openEnd && Self.isWordScalar(folded.last!),
                onInput: !outputOnly && rules[rule].stages.contains(.input), onOutput: rules[rule].stages.contains(.output)))
        }

        for (name, file) in files {
            guard messages[file.category] == nil else {
                throw SafetyLexiconError(file: name, reason: "category \(file.category) is already defined by another file")
            }
            messages[file.category] = file.message
            for entry in file.rules ?? [] {
                let fail = { (reason: String) in SafetyLexiconError(file: name, reason: "rule \(entry.id): \(reason)") }
                guard !entry.id.isEmpty, ids.insert(entry.id).inserted else { throw fail("missing or duplicate id") }
                guard !entry.languages.isEmpty, Set(entry.languages).isSubset(of: ["zh", "en"]) else {
                    throw fail("languages must be zh and/or en")
                }
                let stages = Set(entry.stages ?? file.stages ?? [.input, .output])
                guard !stages.isEmpty, !stages.contains(.pii) else { throw fail("stages must be input and/or output") }
                let raw: Bool
                switch entry.match {
                case nil, "normalised": raw = false
                case "raw": raw = true
                default: throw fail("match is raw or normalised")
                }
                if raw, stages != [.input] || entry.except != nil || entry.terms != nil {
                    throw fail("a raw rule has patterns only, no except, and screens input only")
                }
                if let d = entry.downgrade, d.to >= entry.severity || d.context.isEmpty {
                    throw fail("downgrade needs a lower severity and context terms")
                }
                let patterns: [SafetyPattern]
                do {
                    patterns = try (entry.patterns ?? []).map { try SafetyPattern($0, raw: raw) }
                } catch {
                    throw fail("a pattern does not compile: \(error)")
                }
                let termTexts = entry.terms ?? []
                guard !termTexts.isEmpty || !patterns.isEmpty else { throw fail("no terms and no patterns") }
                let exceptTexts = entry.except ?? []
                rules.append(SafetyRule(
                    id: entry.id, category: file.category, severity: entry.severity, languages: entry.languages,
                    stages: stages, message: entry.message ?? file.message, patterns: patterns, matchesRaw: raw,
                    downgrade: entry.downgrade?.to,
                    exceptReach: exceptTexts.map { SafetyText($0).count }.max() ?? 0,
                    termCount: termTexts.count))
                let index = rules.count - 1
                for t in termTexts { try add(t, rule: index, role: .term, file: name) }
                // On output a pattern screens as the strings it spells out; on input it stays a
                // regular expression.
                if stages.contains(.output) {
                    for pattern in patterns {
                        let spelled: [String]
                        do {
                            spelled = try PatternExpansion.strings(of: pattern.source)
                        } catch {
                            throw fail("an output pattern must be a finite alternation of words (groups, |, ?): '\(pattern.source)': \(error)")
                        }
                        for t in spelled { try add(t, rule: index, role: .term, file: name, outputOnly: true) }
                    }
                }
                for t in exceptTexts { try add(t, rule: index, role: .exception, file: name) }
                for t in entry.downgrade?.context ?? [] { try add(t, rule: index, role: .context, file: name) }
            }
        }
        self.rules = rules
        self.input = StageTerms(terms, entries, stage: .input)
        self.output = StageTerms(terms, entries, stage: .output)
        self.messages = messages
        self.gate = PatternGate(rules: rules)
    }

    /// The categories that have a rule file.
    public var categories: [SafetyCategory] { SafetyCategory.allCases.filter { messages[$0] != nil } }

    /// The ids of the rules of one category, in file order.
    public func ruleIDs(in category: SafetyCategory) -> [String] {
        rules.filter { $0.category == category }.map(\.id)
    }

    /// How many terms and patterns the rules of one category hold.
    public func entryCount(in category: SafetyCategory) -> (terms: Int, patterns: Int) {
        let r = rules.filter { $0.category == category }
        return (r.reduce(0) { $0 + $1.termCount }, r.reduce(0) { $0 + $1.patterns.count })
    }

    /// The student-facing message of a category (its file's `message`).
    public func message(for category: SafetyCategory) -> String {
        messages[category] ?? "这个问题我不能回答。如果你遇到了困难，请告诉老师或家长。"
    }

    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "a"..."z", "A"..."Z", "0"..."9": true
        default: false
        }
    }
}
