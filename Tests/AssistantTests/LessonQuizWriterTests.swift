@testable import Assistant
import Curriculum
import Foundation
import QianxueCore
import Testing
import TestSupport

/// The offline quiz is written from each lesson's own text: valid items, keys found in the lesson,
/// the key's position varying, the same quiz every time.
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
                let key = try #require(item.options.first { $0.id == item.keys.first }?.text)
                let fromLesson = text.contains(key) || lesson.objectives.contains { $0.text == key }
                #expect(fromLesson, "\(lesson.slug) \(item.id): the key \(key) is not in the lesson")
            }
            let distinct = Set(items.map { item in item.stem + (item.options.first { $0.id == item.keys.first }?.text ?? "") })
            #expect(distinct.count == items.count, "\(lesson.slug) repeats an item")
        }
        #expect(short.isEmpty, "lessons giving fewer than 8 offline items: \(short)")
    }

    @Test func theKeyMovesAndTheQuizIsTheSameEveryTime() throws {
        let lesson = try #require(Self.content.lessons.first { $0.slug == "jr-miao-silver-features" })
        let items = writer(lesson).write(count: 8)
        #expect(items.count == 8)
        #expect(Set(items.map(\.keys)) == [["A"], ["B"], ["C"], ["D"]] && items.allSatisfy { $0.type == .single })
        #expect(writer(lesson).write(count: 8) == items)
        #expect(writer(lesson).write(count: 3) == Array(items.prefix(3)))
    }
}
