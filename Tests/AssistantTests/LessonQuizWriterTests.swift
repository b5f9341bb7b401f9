@testable import Assistant
import Curriculum
import Foundation
import QianxueCore
import Testing
import TestSupport

/// The offline quiz is written from each lesson's own text: valid single- and multiple-choice items,
/// keys found in the lesson and distractors not, the key's position varying, the same quiz every time.
@Suite struct LessonQuizWriterTests {
    static let content = CurriculumLoader.load(from: Repository.curriculum).content

    func writer(_ lesson: Lesson) -> LessonQuizWriter {
        let others = Self.content.lessons.filter { $0.band == lesson.band && $0.slug != lesson.slug }
        return LessonQuizWriter(lesson: lesson, band: lesson.band.gradeBand ?? .junior, others: others)
    }

    @Test func everyStudentLessonGivesAValidQuizWhoseKeysComeFromTheLesson() throws {
        let lessons = Self.content.lessons.filter { $0.band.gradeBand != nil && $0.status == .published }
        #expect(lessons.count > 20)
        var short: [String] = []
        for lesson in lessons {
            let items = writer(lesson).write(count: 8)
            if items.count < 8 { short.append("\(lesson.slug): \(items.count)") }
            let text = lesson.sections.map(\.text).joined().replacingOccurrences(of: "**", with: "")
            for (i, item) in items.enumerated() {
                #expect(QuizValidator.problems(of: item, number: i + 1).isEmpty, "\(lesson.slug) \(item.id): \(QuizValidator.problems(of: item, number: i + 1))")
                #expect(!item.keys.isEmpty)
                for id in item.keys {
                    let key = try #require(item.options.first { $0.id == id }?.text)
                    let fromLesson = text.contains(key) || lesson.objectives.contains { $0.text == key }
                    #expect(fromLesson, "\(lesson.slug) \(item.id): the key \(key) is not in the lesson")
                }
                // and a multiple-choice item's distractors are not the lesson's own (else it has more keys)
                for option in item.options where item.type == .multiple && !item.keys.contains(option.id) {
                    #expect(!lesson.objectives.contains { $0.text == option.text } && !text.contains(option.text),
                            "\(lesson.slug) \(item.id): the distractor \(option.text) is the lesson's own")
                }
            }
            let distinct = Set(items.map { item in item.stem + item.keys.compactMap { k in item.options.first { $0.id == k }?.text }.joined() })
            #expect(distinct.count == items.count, "\(lesson.slug) repeats an item")
        }
        #expect(short.isEmpty, "lessons giving fewer than 8 offline items: \(short)")
        // multiple choice is part of the offline quiz, not only single choice
        let mixed = lessons.filter { lesson in writer(lesson).write(count: 8).contains { $0.type == .multiple } }
        #expect(mixed.count * 10 >= lessons.count * 9, "only \(mixed.count) of \(lessons.count) lessons' offline quizzes have a multiple-choice item")
    }

    @Test func theKeyMovesAndTheQuizIsTheSameEveryTime() throws {
        let lesson = try #require(Self.content.lessons.first { $0.slug == "jr-miao-silver-features" })
        let items = writer(lesson).write(count: 8)
        #expect(items.count == 8)
        let single = items.filter { $0.type == .single }
        #expect(Set(single.map(\.keys)) == [["A"], ["B"], ["C"], ["D"]])
        let multiple = try #require(items.first { $0.type == .multiple })
        #expect(multiple.keys.count == 2 && multiple.options.count == 4 && multiple.stem.contains("多选"))
        #expect(writer(lesson).write(count: 8) == items)
        #expect(writer(lesson).write(count: 3) == Array(items.prefix(3)))
    }
}
