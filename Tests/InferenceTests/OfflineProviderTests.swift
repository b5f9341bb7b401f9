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

    @Test func itStreamsInPieces() async throws {
        var pieces = 0
        for try await c in OfflineProvider(piece: 5).stream(ChatRequest(messages: [.init(.user, "侗族大歌有指挥吗？")], passages: [song])) {
            if case .delta(let d) = c { pieces += 1; #expect(d.count <= 5) }
        }
        #expect(pieces > 5)
    }
}
