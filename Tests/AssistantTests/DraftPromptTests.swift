@testable import Assistant
import Curriculum
import Foundation
import QianxueCore
import Testing
import TestSupport

/// The lesson text a draft prompt carries follows the configured budget: a small endpoint gets the
/// default few hundred characters, a large one the whole lesson, and no section crowds out the rest.
@Suite struct DraftPromptTests {
    static let content = CurriculumLoader.load(from: Repository.curriculum).content

    /// The characters of lesson text in a brief (what follows "课文内容：", headings aside).
    func bodyCharacters(_ brief: String) -> Int {
        let body = brief.components(separatedBy: "课文内容：\n").last ?? ""
        return body.split(separator: "\n").filter { !$0.hasPrefix("## ") }.map(\.count).reduce(0, +)
    }

    @Test func theBudgetDecidesHowMuchOfTheLessonIsSent() throws {
        let lesson = try #require(Self.content.lessons.first { $0.slug == "jr-miao-silver-features" })
        let whole = lesson.sections.filter { $0.heading != "拓展" }
            .map { $0.text.replacingOccurrences(of: "**", with: "").split(separator: "\n").map(\.count).reduce(0, +) }.reduce(0, +)
        #expect(whole > 800, "the lesson is long enough to be cut: \(whole)")

        let small = DraftPrompt.lessonBrief(lesson, band: .junior, className: "8-2")
        #expect(bodyCharacters(small) <= DraftPrompt.defaultLessonCharacters)
        #expect(bodyCharacters(small) >= DraftPrompt.defaultLessonCharacters * 3 / 4)   // line breaks count in the budget

        let large = DraftPrompt.lessonBrief(lesson, band: .junior, className: "8-2", characters: 50_000)
        #expect(bodyCharacters(large) == whole)

        // the messages carry the budget they are given
        let messages = DraftPrompt.messages(kind: .lessonPlan, lesson: lesson, band: .junior, className: nil, instructions: nil,
                                            itemCount: 0, conversation: nil, lessonCharacters: 1_000)
        #expect(bodyCharacters(messages[0].content) <= 1_000 && bodyCharacters(messages[0].content) > 750)
    }

    @Test func noSectionTakesMoreThanHalfTheBudget() throws {
        let lesson = try #require(Self.content.lessons.first { $0.slug == "jr-miao-silver-features" })
        let brief = DraftPrompt.lessonBrief(lesson, band: .junior, className: nil, characters: 600)
        let sections = brief.components(separatedBy: "\n## ").dropFirst()
        #expect(sections.count >= 2)
        for s in sections {
            let body = s.split(separator: "\n").dropFirst().map(\.count).reduce(0, +)
            #expect(body <= 300)
        }
    }
}
