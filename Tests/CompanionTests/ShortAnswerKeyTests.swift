@testable import Companion
import Curriculum
import Inference
import Testing

/// Short answer keys — a choice's letter, a number, a word — are stopped where a reply hands them
/// over, in any wording a model is likely to use, and not where they merely occur.
@Suite struct ShortAnswerKeyTests {
    static func screen(answer: String) -> OutputScreen {
        let exercise = Lesson.Exercise(id: "e1", prompt: "题目", answer: answer, hints: ["想一想"])
        let lesson = Lesson(slug: "l", title: "课", titleEn: "l", band: .junior, unitSlug: "u", grades: ["8"], hours: 1, objectives: [],
                            culture: [], status: .published, reviewer: nil, reviewedOn: nil, sources: [], activities: [], related: [],
                            checks: [], exercises: [exercise], markdown: "", sections: [], html: "", file: "l.md")
        return OutputScreen(forbidden: CompanionPrompt.forbidden(in: lesson, rules: []))
    }

    /// Streams `reply` through the screen in pieces of 3 characters, as a model would.
    static func stops(_ reply: String, answer: String) -> Bool {
        var s = screen(answer: answer)
        var chars = Array(reply)
        while !chars.isEmpty {
            let piece = String(chars.prefix(3))
            chars.removeFirst(min(3, chars.count))
            if s.feed(piece).stop != nil { return true }
        }
        return s.finish().stop != nil
    }

    @Test(arguments: ["我觉得应该选C。", "正确的是 C 选项", "C是正确的，因为……", "答案 C", "这题选 c 就对了", "I would choose C here."])
    func aChoiceLetterHandedOverIsStopped(reply: String) {
        #expect(Self.stops(reply, answer: "C. 每个年级各随机问几名同学"), "\(reply)")
    }

    @Test(arguments: ["A、B、C 三个选项各有道理，你先比较它们的样本。", "这是AI常见的问题。", "Choose carefully.", "看看选项里哪一个样本最像全体？"])
    func aChoiceLetterMerelyMentionedIsNot(reply: String) {
        #expect(!Self.stops(reply, answer: "C. 每个年级各随机问几名同学"), "\(reply)")
    }

    @Test(arguments: ["一共11种。", "结果是11", "算下来等于 11。", "应该为11个"])
    func aNumberHandedOverIsStopped(reply: String) {
        #expect(Self.stops(reply, answer: "11"), "\(reply)")
    }

    @Test(arguments: ["先数一数第一排有几个。", "11月的数据不算。", "是110吗？再数一遍。"])
    func aNumberMerelyMentionedIsNot(reply: String) {
        #expect(!Self.stops(reply, answer: "11"), "\(reply)")
    }

    @Test func aShortWordHandedOverIsStoppedButTheLessonsWordsMayBeUsed() {
        #expect(Self.stops("让音箱开始听你说话的那个词，叫唤醒词。", answer: "唤醒词"))
        #expect(!Self.stops("想一想：音箱平时在等什么信号才开始听？", answer: "唤醒词"))
    }
}

extension ShortAnswerKeyTests {
    /// The options are listed in the exercise's prompt: restating the prompt gives nothing away,
    /// saying which option is right does.
    @Test func restatingAChoiceExercisesOptionsIsNotALeak() {
        let prompt = "哪种办法的样本最像全校？A. 只问我们一个班 B. 只问一年级 C. 每个年级各随机问几名同学"
        let exercise = Lesson.Exercise(id: "e1", prompt: prompt, answer: "C. 每个年级各随机问几名同学", hints: ["想一想"])
        let lesson = Lesson(slug: "l", title: "课", titleEn: "l", band: .junior, unitSlug: "u", grades: ["8"], hours: 1, objectives: [],
                            culture: [], status: .published, reviewer: nil, reviewedOn: nil, sources: [], activities: [], related: [],
                            checks: [], exercises: [exercise], markdown: "", sections: [], html: "", file: "l.md")
        func stops(_ reply: String) -> Bool {
            var s = OutputScreen(forbidden: CompanionPrompt.forbidden(in: lesson, rules: []))
            return s.feed(reply).stop != nil || s.finish().stop != nil
        }
        #expect(!stops("你问的是练习：\(prompt)。先想一想：全校包括哪些年级的同学？"))
        #expect(stops("答案是每个年级各随机问几名同学。"))
        #expect(stops("应该选C。"))
    }
}
