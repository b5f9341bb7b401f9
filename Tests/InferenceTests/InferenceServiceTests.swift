import Foundation
import Synchronization
import Testing
@testable import Inference

/// A provider that records what it was sent and answers with a script of deltas.
final class RecordingProvider: InferenceProvider, Sendable {
    let received = Mutex<[ChatRequest]>([])
    let deltas: [String]
    let failure: InferenceError?
    var kind: String { "openai-compatible" }
    var model: String { "recording" }

    init(_ deltas: [String], failure: InferenceError? = nil) {
        self.deltas = deltas
        self.failure = failure
    }

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatChunk, any Error> {
        received.withLock { $0.append(request) }
        let (deltas, failure) = (self.deltas, self.failure)
        return AsyncThrowingStream { c in
            for d in deltas { c.yield(.delta(d)) }
            if let failure { c.finish(throwing: failure); return }
            c.yield(.finish("stop"))
            c.yield(.usage(TokenUsage(promptTokens: 10, completionTokens: deltas.count)))
            c.finish()
        }
    }
}

@Suite struct InferenceServiceTests {
    let ticket = InferenceTicket(user: UUID(), school: UUID(), priority: .studentInteractive, estimatedTokens: 100, exclusive: true)

    func collect(_ s: AsyncStream<ChatEvent>) async -> [ChatEvent] {
        var out: [ChatEvent] = []
        for await e in s { out.append(e) }
        return out
    }

    func text(_ events: [ChatEvent]) -> String {
        events.compactMap { if case .delta(let d) = $0 { d } else { nil } }.joined()
    }

    @Test func personalDataReachesTheEndpointOnlyAsPlaceholdersAndNamesComeBack() async throws {
        // given a message with a valid ID number, a phone number, an 18-digit number with a wrong check digit, and a classmate's name
        let provider = RecordingProvider(["好的，", "[同学A]", "说得对。"])
        let service = InferenceService(provider: provider)
        let message = "我是11010519491231002X，电话13812345678，编号110105194912310021，王小明也想知道。"
        let job = ChatJob(messages: [.init(.user, message)], names: [NameToRedact(name: "王小明", role: .classmate)], ticket: ticket)
        // when
        let events = await collect(try await service.start(job))
        // then the endpoint saw placeholders only, the wrong-check-digit number unchanged
        let sent = try #require(provider.received.withLock { $0.first?.messages.last?.content })
        #expect(!sent.contains("11010519491231002X") && sent.contains("[身份证号]"))
        #expect(!sent.contains("13812345678") && sent.contains("[电话]"))
        #expect(sent.contains("110105194912310021"))
        #expect(!sent.contains("王小明") && sent.contains("[同学A]"))
        // and the reply shown names the classmate again
        #expect(text(events).contains("王小明说得对"))
        guard case .done(let done) = events.last else { Issue.record("no done"); return }
        #expect(done.finishReason == "stop" && done.usage?.promptTokens == 10)
    }

    @Test func aSevereInputIsAnsweredWithHelpAndNeverReachesTheEndpoint() async throws {
        let provider = RecordingProvider(["不应出现"])
        let service = InferenceService(provider: provider)
        let events = await collect(try await service.start(ChatJob(messages: [.init(.user, "我不想活了，想自杀")], ticket: ticket)))
        #expect(provider.received.withLock { $0.isEmpty })
        guard case .flag(let f) = events.first else { Issue.record("no flag"); return }
        #expect(f.category == .selfHarm && f.severity == .high)
        guard case .done(let done) = events.last else { Issue.record("no done"); return }
        #expect(done.finishReason == "refused")
        #expect(!text(events).isEmpty, "the student is answered with help")
    }

    @Test func aSevereReplyIsStoppedBeforeItsWordsAreSentAndLeaksAreCaught() async throws {
        let service = InferenceService(provider: RecordingProvider(["这个问题的答案是：", "B", "。你可以"]))
        let job = ChatJob(messages: [.init(.user, "第三题选什么？")], forbidden: ["答案是：B"], ticket: ticket)
        let events = await collect(try await service.start(job))
        #expect(!text(events).contains("B"))
        #expect(events.contains { if case .flag(let f) = $0 { f.category == .leak } else { false } })
        guard case .done(let done) = events.last else { Issue.record("no done"); return }
        #expect(done.finishReason == "content_filter")
    }

    @Test func aBrokenStreamEndsWithWhatArrivedAndAnError() async throws {
        let service = InferenceService(provider: RecordingProvider(["侗族大歌是多声部的合唱，没有指挥，由歌师带着徒弟传唱。"], failure: .interrupted("reset")))
        let events = await collect(try await service.start(ChatJob(messages: [.init(.user, "侗族大歌是什么？")], ticket: ticket)))
        #expect(text(events) == "侗族大歌是多声部的合唱，没有指挥，由歌师带着徒弟传唱。", "held-back text is released before the error")
        #expect(events.last == .error(.interrupted("reset")))
        // the student's slot was given back
        #expect(await service.scheduler.snapshot.inFlight == 0)
    }

    @Test func badJobsAreRefusedBeforeAnythingStreams() async throws {
        let service = InferenceService(provider: RecordingProvider([]), maxPromptCharacters: 100)
        await #expect(throws: ChatRefusal.empty) { try await service.start(ChatJob(messages: [.init(.user, "  ")], ticket: ticket)) }
        // every kind of blank is empty: the ideographic space of a Chinese keyboard, a zero-width space
        await #expect(throws: ChatRefusal.empty) {
            try await service.start(ChatJob(messages: [.init(.user, "\u{3000}\n\t\r\u{A0}\u{2028}\u{85}\u{2009}\u{200B}")], ticket: ticket))
        }
        // the blank characters are those Foundation trims, over all of Unicode
        for v in UInt32(0)...0x10FFFF {
            guard let u = Unicode.Scalar(v), InferenceService.isBlank(u) != CharacterSet.whitespacesAndNewlines.contains(u) else { continue }
            Issue.record("U+\(String(v, radix: 16)) is blank to one and not the other")
        }
        await #expect(throws: ChatRefusal.tooLong(limit: 100)) {
            try await service.start(ChatJob(messages: [.init(.user, String(repeating: "长", count: 101))], ticket: ticket))
        }
        await #expect(throws: ChatRefusal.self) {
            try await service.start(ChatJob(messages: [.init(.user, "hi")], maxCompletionTokens: 0, ticket: ticket))
        }
    }

    @Test func theOfflineFallbackIsNamedInDone() async throws {
        let resilient = ResilientProvider(primary: ScriptedProvider([.fail(.connection("gone")), .fail(.connection("gone")), .fail(.connection("gone"))]),
                                          backoffBase: .milliseconds(1))
        let service = InferenceService(provider: resilient)
        let job = ChatJob(messages: [.init(.user, "侗族大歌有指挥吗？")],
                          passages: [GroundingPassage(source: "x", title: "侗族大歌", text: "侗族大歌是多声部、无伴奏、无指挥的合唱。")], ticket: ticket)
        let events = await collect(try await service.start(job))
        guard case .done(let done) = events.last else { Issue.record("no done"); return }
        #expect(done.provider == "offline" && done.model == OfflineProvider.modelName)
        #expect(text(events).contains("无指挥"))
    }
}
