import Foundation
import Inference
import Testing

@Suite struct SafetyLexiconTests {
    func directory(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("safety-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    @Test func theShippedRulesCoverEveryCategoryInChineseAndEnglish() {
        // given
        let lexicon = SafetyLexicon.shipped

        // when
        let screened: [SafetyCategory] = [.selfHarm, .violence, .sexualMinors, .bullying, .extremism, .injection]

        // then
        #expect(Set(lexicon.categories) == Set(screened + [.leak]))
        for category in screened {
            let ids = lexicon.ruleIDs(in: category)
            #expect(ids.contains { $0.hasSuffix(".zh") }, "\(category) has no Chinese rule")
            #expect(ids.contains { $0.hasSuffix(".en") }, "\(category) has no English rule")
            #expect(lexicon.entryCount(in: category).terms + lexicon.entryCount(in: category).patterns > 10)
            #expect(!lexicon.message(for: category).isEmpty)
        }
    }

    @Test func rulesComeFromTheDataFilesNotFromCode() throws {
        // given: a one-rule lexicon written by a reviewer
        let dir = try directory(["bullying.yaml": """
            category: bullying
            message: 请友善待人。
            rules:
              - id: bullying.test.zh
                severity: medium
                languages: [zh]
                terms: [小气鬼]
            """])

        // when
        let screen = SafetyScreen(lexicon: try SafetyLexicon.load(from: dir))

        // then
        #expect(screen.screen("你是小 气 鬼") == [SafetyFlag(category: .bullying, severity: .medium, ruleID: "bullying.test.zh", message: "请友善待人。")])
        #expect(screen.screen("我想自杀").isEmpty)
    }

    @Test(arguments: [
        ("a pattern that does not compile", "severity: high\n    languages: [zh]\n    patterns: ['(未闭合']"),
        ("an unknown severity", "severity: urgent\n    languages: [zh]\n    terms: [打架]"),
        ("no terms and no patterns", "severity: high\n    languages: [zh]"),
        ("an output pattern that is not a finite alternation", "severity: high\n    languages: [zh]\n    patterns: ['我.{0,3}想死']"),
        ("a downgrade that is not lower", "severity: low\n    languages: [zh]\n    terms: [打架]\n    downgrade: {to: medium, context: [历史]}"),
    ])
    func aBrokenRuleFileIsRejectedNamingTheFile(_ what: String, _ rule: String) throws {
        // given
        let dir = try directory(["violence.yaml": "category: violence\nmessage: m\nrules:\n  - id: violence.bad.zh\n    \(rule)\n"])

        // when / then
        let error = #expect(throws: SafetyLexiconError.self, "\(what)") { try SafetyLexicon.load(from: dir) }
        #expect(error?.file == "violence.yaml")
    }

    @Test func twoFilesForOneCategoryAreRejected() throws {
        let file = "category: extremism\nmessage: m\nrules: []\n"
        let dir = try directory(["a.yaml": file, "b.yaml": file])
        #expect(throws: SafetyLexiconError.self) { try SafetyLexicon.load(from: dir) }
    }
}
