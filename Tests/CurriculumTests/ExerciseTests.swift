import Foundation
import Testing
@testable import Curriculum

/// Exercises in the front matter: read by the loader, held to their rules by the lint, and the
/// answer key kept where students cannot see it.
@Suite struct ExerciseTests {
    let file = "Curriculum/junior/01-jr-songs/jr-song.md"

    /// Front matter for one exercise; the `exercises:` key sits on line 19 of the fixture, the
    /// exercise's `id` on 20, `prompt` 21, `answer` 22, `hints` 23 and the hints from 24.
    static func exercise(id: String = "song-voices", prompt: String = "侗族大歌有没有指挥？", answer: String = "没有指挥",
                         hints: [String] = ["想想导入里怎么介绍这种合唱。", "注意“无伴奏”后面那几个字。"]) -> String {
        "  - id: \(id)\n    prompt: \(prompt)\n    answer: \(answer)\n    hints:\n"
            + hints.map { "      - \($0)\n" }.joined()
    }

    func problems(_ exercises: String, body: String? = nil) throws -> [String] {
        let f = try LintFixture.make(lessons: ["junior/01-jr-songs/jr-song.md": LintFixture.lesson(extra: "exercises:\n" + exercises, body: body)])
        defer { f.remove() }
        return f.lint().map(\.description)
    }

    @Test func theLoaderReadsExercisesInOrderWithTheirHints() throws {
        // given a lesson with two exercises
        let f = try LintFixture.make(lessons: ["junior/01-jr-songs/jr-song.md": LintFixture.lesson(
            extra: "exercises:\n" + Self.exercise() + Self.exercise(id: "song-count", prompt: "课堂活动要数什么？", answer: "声部的数量",
                                                                   hints: ["看看课堂活动第一句。", "合唱里每一组唱不同旋律的人叫什么？"]))])
        defer { f.remove() }
        // when
        let (content, problems) = CurriculumLoader.load(from: f.root)
        // then
        #expect(problems.isEmpty)
        let lesson = try #require(content.lessons.first)
        #expect(lesson.exercises.map(\.id) == ["song-voices", "song-count"])
        #expect(lesson.exercise("song-voices") == Lesson.Exercise(
            id: "song-voices", prompt: "侗族大歌有没有指挥？", answer: "没有指挥",
            hints: ["想想导入里怎么介绍这种合唱。", "注意“无伴奏”后面那几个字。"]))
        #expect(lesson.exercise("song-count")?.answer == "声部的数量")
    }

    @Test func exercisesAreOptional() throws {
        let f = try LintFixture.make()
        defer { f.remove() }
        let (content, problems) = CurriculumLoader.load(from: f.root)
        #expect(problems.isEmpty)
        #expect(content.lessons.first?.exercises == [])
    }

    @Test func exerciseIdsAreUniqueSlugsWithinALesson() throws {
        let p = try problems(Self.exercise() + Self.exercise())
        #expect(p == ["\(file):26: `exercises.id` song-voices is used by another exercise of this lesson"])
        let q = try problems(Self.exercise(id: "Song Voices"))
        #expect(q == ["\(file):20: `exercises.id` must be a short slug of lower-case letters, digits and hyphens, not Song Voices"])
    }

    @Test func promptAndAnswerMustNotBeEmpty() throws {
        let p = try problems(Self.exercise(prompt: "\"\"", answer: "\"  \""))
        #expect(p == ["\(file):21: `exercises.prompt` is empty", "\(file):22: `exercises.answer` is empty"])
        let noAnswer = Self.exercise().replacingOccurrences(of: "    answer: 没有指挥\n", with: "")
        #expect(try problems(noAnswer) == ["\(file):20: missing field `exercises.answer`"])
    }

    @Test func anAnswerIsAtLeastTwoCharacters() throws {
        let p = try problems(Self.exercise(prompt: "侗族大歌有指挥吗？A. 有 B. 没有", answer: "B"))
        #expect(p == ["\(file):22: `exercises.answer` must be at least 2 characters; write a choice with its text (`B. 训练数据`), not the letter alone"])
        #expect(try problems(Self.exercise(answer: "B. 没有")).isEmpty)
    }

    @Test func anExerciseHasTwoToFourHints() throws {
        let one = try problems(Self.exercise(hints: ["想想导入。"]))
        #expect(one == ["\(file):23: `exercises.hints` needs 2 to 4 hints, from gentle to specific, not 1"])
        let five = try problems(Self.exercise(hints: ["一", "二", "三", "四", "五"]))
        #expect(five == ["\(file):23: `exercises.hints` needs 2 to 4 hints, from gentle to specific, not 5"])
        let none = Self.exercise().components(separatedBy: "    hints:\n")[0]
        #expect(try problems(none) == ["\(file):20: missing field `exercises.hints`"])
        #expect(try problems(Self.exercise(hints: ["一", "二", "三", "四"])).isEmpty)
    }

    @Test func aHintThatHoldsTheAnswerFailsOnItsLine() throws {
        // given a last hint that states the key, spaced and punctuated differently
        let p = try problems(Self.exercise(hints: ["想想导入里怎么介绍这种合唱。", "答案是：没有 指挥！"]))
        // then the lint names that hint's line
        #expect(p == ["\(file):25: a hint of exercise song-voices gives its answer away; hints stop short of the answer"])
        // and for a choice, a hint naming the chosen option's text gives it away too
        let choice = try problems(Self.exercise(prompt: "侗族大歌有指挥吗？A. 有一位指挥 B. 没有指挥", answer: "B. 没有指挥",
                                                hints: ["再读一遍导入。", "选“没有指挥”的那一项。"]))
        #expect(choice == ["\(file):25: a hint of exercise song-voices gives its answer away; hints stop short of the answer"])
    }

    @Test func aBodySectionForAnswersFails() throws {
        let body = "## 导入\n侗族大歌。\n\n## 课堂活动\n听。\n\n## 讨论\n1. 为什么？\n\n## 教师提示\n注意。\n\n## 参考答案\n没有指挥。\n"
        let p = try problems(Self.exercise(), body: body)
        #expect(p == ["\(file):40: section `## 参考答案` would show answers to students; give them as `exercises` in the front matter"])
    }

    @Test func aWorkedAnswerInAStudentLessonsTeacherNoteFails() throws {
        // given a teacher note that states the key; students read 教师提示 too
        let body = "## 导入\n侗族大歌。\n\n## 课堂活动\n听。\n\n## 讨论\n1. 为什么？\n\n## 教师提示\n- 活动一参考答案：没有指挥。\n"
        // when / then
        let p = try problems(Self.exercise(), body: body)
        #expect(p == ["\(file):38: `参考答案` in the body reaches students (they read it all, 教师提示 too); give answer keys as `exercises` in the front matter"])
        // while teacher development, which discusses answer keys as its subject, may name them
        let pd = LintFixture.lesson(slug: "pd-song", band: "teacher-pd", grades: "[T]", competency: "PE-DE", body: body)
        let f = try LintFixture.make(lessons: ["teacher-pd/01-pd-songs/pd-song.md": pd])
        defer { f.remove() }
        #expect(f.lint().isEmpty)
    }

    @Test func revealingIgnoresCaseSpacesAndPunctuationButNotALoneLetter() {
        let e = Lesson.Exercise(id: "x", prompt: "Which one? A. rules B. training data", answer: "B. Training data", hints: [])
        #expect(e.answerIsRevealed(by: "It is TRAINING-DATA, surely."))
        #expect(e.answerIsRevealed(by: "选 b：training data"))
        #expect(!e.answerIsRevealed(by: "Think about option B."))
        #expect(!e.answerIsRevealed(by: "What does the model learn from?"))
    }

    @Test func printingAnExerciseOrItsLessonLeavesTheKeyOut() throws {
        // given a loaded lesson with an exercise whose key is a distinctive phrase
        let f = try LintFixture.make(lessons: ["junior/01-jr-songs/jr-song.md": LintFixture.lesson(
            extra: "exercises:\n" + Self.exercise(answer: "铜鼓星图在此", hints: ["想想导入。", "再读一遍。"]))])
        defer { f.remove() }
        let lesson = try #require(CurriculumLoader.load(from: f.root).content.lessons.first)
        // when it reaches a log line or a dump
        var dumped = ""
        dump(lesson, to: &dumped)
        // then the key is not there, though the exercise is
        for text in [String(describing: lesson), "\(lesson.exercises)", String(reflecting: lesson), dumped] {
            #expect(text.contains("song-voices"))
            #expect(!text.contains("铜鼓星图"))
        }
        #expect(lesson.exercises.first?.answer == "铜鼓星图在此")
    }

    @Test func searchNeitherFindsNorShowsAnAnswerKey() {
        // given a published lesson whose answer key holds words found nowhere else
        let base = CurriculumSearchTests.lesson("song", title: "机器怎样听歌", body: "## 导入\n侗族大歌是多声部合唱。")
        let lesson = Lesson(slug: base.slug, title: base.title, titleEn: base.titleEn, band: base.band, unitSlug: base.unitSlug,
                            grades: base.grades, hours: base.hours, objectives: base.objectives, culture: base.culture,
                            status: base.status, reviewer: nil, reviewedOn: nil, sources: [], activities: [], related: [], checks: [],
                            exercises: [.init(id: "x", prompt: "侗族大歌有几个声部？", answer: "铜鼓星图", hints: ["数一数。", "听一听。"])],
                            markdown: base.markdown, sections: [], html: "", file: base.file)
        let index = SearchIndex(lessons: [lesson])
        // when
        let byAnswer = index.search("铜鼓星图", filter: .init(), limit: 5)
        let byPrompt = index.search("侗族大歌", filter: .init(), limit: 5)
        // then
        #expect(byAnswer.isEmpty)
        #expect(byPrompt.count == 1)
        #expect(byPrompt.allSatisfy { !$0.snippet.contains("铜鼓") })
    }
}
