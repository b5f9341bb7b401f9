import QianxueCore
import Testing
@testable import Inference

@Suite struct OfflineProviderTests {
    let song = GroundingPassage(source: "jr-dong-song", title: "一台机器能学会侗族大歌吗",
                                text: "侗族大歌是多声部、无伴奏、无指挥的合唱。歌师带徒传唱，正式演唱在鼓楼里进行。语音模型要分开几个声部，需要每个声部单独的录音。")
    let silver = GroundingPassage(source: "jr-miao-silver", title: "苗族银饰与特征",
                                  text: "苗族银饰手工锻制，约30道工序。分类时，机器先要找到特征，比如形状和用途。特征选得好，分类才准。")

    func ask(_ q: String, _ passages: [GroundingPassage]) async throws -> ChatCompletion {
        try await OfflineProvider().complete(ChatRequest(messages: [.init(.user, q)], passages: passages))
    }

    @Test func theSameQuestionOnTwoLessonsQuotesTwoDifferentPassages() async throws {
        // given the same question asked in two lessons
        let q = "机器怎样学会分辨不同的东西？需要什么？"
        // when
        let a = try await ask(q, [song])
        let b = try await ask(q, [silver])
        // then each answer quotes its own lesson, and both say plainly that the AI is offline
        #expect(a.text.contains("《一台机器能学会侗族大歌吗》"))
        #expect(b.text.contains("《苗族银饰与特征》"))
        #expect(a.text != b.text)
        #expect(a.text.hasPrefix(OfflineProvider.notice) && b.text.hasPrefix(OfflineProvider.notice))
        #expect(a.model == "qianxue-offline")
    }

    @Test func itPointsToTheSentenceThatBearsOnTheQuestionAndAsksAGuidingQuestion() async throws {
        let a = try await ask("侗族大歌有指挥吗？", [silver, song])
        #expect(a.text.contains("「侗族大歌是多声部、无伴奏、无指挥的合唱。」"))
        #expect(a.text.contains("你问的是：「侗族大歌有指挥吗？」"))
        #expect(a.text.contains("想一想："))
        #expect(a.usage?.completionTokens ?? 0 > 0)
        #expect(a.finishReason == "stop")
    }

    @Test func itIsDeterministicAndHonestWhenNothingMatches() async throws {
        let q = "为什么天空是蓝色的？"
        let first = try await ask(q, [song])
        #expect(try await ask(q, [song]).text == first.text)
        #expect(first.text.contains("没有找到"))
        #expect(try await ask("你好", []).text.contains("没有课文材料"))
    }

    /// Sharing only the words a question is asked with (什么, 为什么, 怎样…) is no match: an
    /// off-topic question gets the honest "not found", and a keyword is never such a word.
    @Test func theWordsAQuestionIsAskedWithMatchNothing() async throws {
        let jobs = GroundingPassage(source: "jr-ai-and-jobs", title: "人工智能会抢走工作吗",
                                    text: "2. 人工智能擅长什么、不擅长什么。我们可以怎样和人工智能一起工作？")
        let offTopic = try await ask("侗族大歌为什么被称为“清泉般闪光的音乐”？", [jobs])
        #expect(offTopic.text.contains("没有找到"), "\(offTopic.text)")
        #expect(!offTopic.text.contains("「什么」"))
        let onTopic = try await ask("人工智能擅长什么？", [jobs])
        #expect(onTopic.text.contains("「2. 人工智能擅长什么、不擅长什么。」"), "\(onTopic.text)")
        #expect(!onTopic.text.contains("「什么」"))
        // the keyword, when the guiding question names one, is never one of those words
        for q in ["人工智能擅长什么？", "人工智能到底擅长什么呢？", "擅长什么？", "我们可以怎样和人工智能一起工作？"] {
            let keyword = try #require(PassageMatcher(passages: [jobs]).best(for: q)).keyword
            let key = try #require(TextTerms.keys(TextTerms.scalars(keyword)).first)
            #expect(!PassageMatcher.askingTerms.contains(key), "\(q): \(keyword)")
        }
    }

    @Test func itStreamsInPieces() async throws {
        var pieces = 0
        for try await c in OfflineProvider(piece: 5).stream(ChatRequest(messages: [.init(.user, "侗族大歌有指挥吗？")], passages: [song])) {
            if case .delta(let d) = c { pieces += 1; #expect(d.count <= 5) }
        }
        #expect(pieces > 5)
    }

    /// Asked about a lesson's exercise, the offline provider gives its hints one rung at a time —
    /// the first, then the next each time the student asks about the same exercise — and never
    /// more than the ladder has; a question about something else gets the lesson's passages.
    @Test func anExerciseGetsItsHintLadderOneRungAtATime() {
        let ladders = [
            HintLadder(exercise: "good-features", prompt: "为水果分类器选特征时，好的特征要满足哪三个条件？",
                       hints: ["先回想课文里“特征”是什么意思。", "课文用了三个词形容好特征，都是“……得……”。", "其中一个是“看得出”，另外两个呢？"]),
            HintLadder(exercise: "data-bias", prompt: "如果训练数据里几乎都是红苹果，分类器会遇到什么问题？",
                       hints: ["想想分类器只见过什么样的苹果。", "遇到青苹果时它会怎么判断？"]),
        ]
        let passages = [GroundingPassage(source: "lesson#1", title: "水果分类器", text: "分类器根据特征来判断水果的种类。")]
        func ask(_ history: [String], _ question: String) -> String {
            let messages = history.flatMap { [ChatMessage(.user, $0), ChatMessage(.assistant, "（回复）")] } + [ChatMessage(.user, question)]
            return OfflineProvider().answer(ChatRequest(messages: messages, passages: passages, hintLadders: ladders))
        }
        let q = "好的特征要满足哪三个条件？直接告诉我答案"
        // first time: the first hint of that exercise
        let first = ask([], q)
        #expect(first.contains("提示 1/3") && first.contains(ladders[0].hints[0]))
        // asked again: the next rung; then the last, and it stays there
        let second = ask([q], "好的特征要满足哪三个条件呀")
        #expect(second.contains("提示 2/3") && second.contains(ladders[0].hints[1]))
        let fourth = ask([q, q, q], q)
        #expect(fourth.contains("提示 3/3") && fourth.contains("最后一条提示"))
        // another exercise starts at its own first rung; an unrelated question gets the passages
        let other = ask([q, q], "训练数据里都是红苹果，分类器会遇到什么问题")
        #expect(other.contains("提示 1/2") && other.contains(ladders[1].hints[0]))
        let unrelated = ask([q], "分类器怎么判断水果种类？")
        #expect(!unrelated.contains("提示 ") && !unrelated.contains("练习") && unrelated.contains("分类器根据特征"))
    }
}
