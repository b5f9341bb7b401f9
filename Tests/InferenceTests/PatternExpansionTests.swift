@testable import Inference
import Testing

@Suite struct PatternExpansionTests {
    @Test func groupsAlternativesAndOptionalPartsSpellOutEveryString() throws {
        let strings = try PatternExpansion.strings(of: "(安眠药|药)吃(多少|几)(片)?死")
        #expect(strings == ["安眠药吃几死", "安眠药吃几片死", "安眠药吃多少死", "安眠药吃多少片死", "药吃几死", "药吃几片死", "药吃多少死", "药吃多少片死"].sorted())
    }

    @Test func englishWordBoundariesAtTheEndsAndOptionalLettersAreUnderstood() throws {
        let strings = try PatternExpansion.strings(of: #"\b(ways?|how) (to )?(die|(?:end) it)\b"#)
        #expect(strings.contains("ways to die"))
        #expect(strings.contains("way end it"))
        #expect(strings.contains("how die"))
        #expect(strings.count == 12)
    }

    @Test(arguments: ["我.{0,3}想死", "(a|b)+", "[0-9]{3}", #"想\s*死"#, "(?=x)想死", "(想死", "想死)", #"a\bb"#])
    func patternsThatAreNotFiniteAlternationsAreRefused(_ pattern: String) {
        #expect(throws: PatternExpansion.Unsupported.self) { try PatternExpansion.strings(of: pattern) }
    }

    @Test func anExplosionOfAlternativesIsRefused() {
        let huge = String(repeating: "(a|b|c|d|e|f|g|h|i|j)", count: 5)
        #expect(throws: PatternExpansion.Unsupported.self) { try PatternExpansion.strings(of: huge, limit: 5_000) }
    }

    @Test func everyShippedOutputPatternIsScreenedAsTerms() {
        // the shipped lexicon spells out all its output patterns, or it would not load
        let lexicon = SafetyLexicon.shipped
        let patterned = lexicon.rules.filter { $0.stages.contains(.output) && !$0.patterns.isEmpty }
        #expect(!patterned.isEmpty)
        for rule in patterned {
            #expect(lexicon.output.entries.contains { lexicon.rules[$0.rule].id == rule.id })
        }
    }
}
