import Gateway
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing
@testable import Inference

/// An OpenAI-compatible `/v1/moderations` endpoint (no real one runs on this machine or in CI: the
/// wire format is OpenAI's documented one). It flags `self-harm/intent` when the input says
/// "bridge", records what it was sent, and answers 500 on the `/broken` prefix.
final class ModerationEndpoint: Sendable {
    let inputs = Mutex<[String]>([])

    func router() -> Router<BasicRequestContext> {
        let r = Router()
        r.post("v1/moderations") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 16)
            let input = (try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["input"] as? String ?? ""
            self.inputs.withLock { $0.append(input) }
            let flagged = input.contains("bridge")
            let json = """
            {"id":"modr-1","model":"omni-moderation-latest","results":[{"flagged":\(flagged),
             "categories":{"harassment":false,"self-harm":\(flagged),"self-harm/intent":\(flagged),"sexual/minors":false,"violence":false,"illicit":null},
             "category_scores":{"harassment":0.01,"self-harm":0.9,"self-harm/intent":0.8,"sexual/minors":0.0,"violence":0.02}}]}
            """
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        r.post("broken/v1/moderations") { _, _ in
            Response(status: .internalServerError, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"message":"overloaded","type":"server_error"}}"#)))
        }
        return r
    }
}

@Suite struct ExternalModerationTests {
    let ticket = InferenceTicket(user: UUID(), school: UUID(), priority: .studentInteractive, estimatedTokens: 100, exclusive: true)
    static let transport = HTTPOutboundTransport()

    func collect(_ s: AsyncStream<ChatEvent>) async -> [ChatEvent] {
        var out: [ChatEvent] = []
        for await e in s { out.append(e) }
        return out
    }

    @Test func categoriesMapOntoTheScreensWithTheMostSevereFirst() throws {
        let moderation = ExternalModeration(endpoint: try InferenceEndpoint(baseURL: "http://127.0.0.1:9/v1", model: nil, apiKey: nil), transport: Self.transport)
        let body = #"{"results":[{"flagged":true,"categories":{"harassment":true,"self-harm":true,"self-harm/intent":true,"hate":false,"unknown/new":true}}]}"#
        let flags = try moderation.flags(from: Array(body.utf8))
        #expect(flags.map(\.ruleID) == ["moderation.self-harm/intent", "moderation.harassment"])
        #expect(flags.map(\.severity) == [.high, .medium])
        #expect(flags.first?.category == .selfHarm)
        #expect(throws: InferenceError.self) { try moderation.flags(from: Array("<html>".utf8)) }
    }

    @Test func inputTheShippedScreenPassesIsRefusedWhenTheModerationEndpointFlagsIt() async throws {
        let endpoint = ModerationEndpoint()
        let app = Application(router: endpoint.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.testLive { client in
            let port = client.port!
            let provider = RecordingProvider(["好的。"])
            let moderation = ExternalModeration(endpoint: try InferenceEndpoint(baseURL: "http://127.0.0.1:\(port)/v1", model: "omni-moderation-latest", apiKey: "k"),
                                                transport: Self.transport)
            let service = InferenceService(provider: provider, moderation: moderation)

            // when a message the shipped lexicon does not flag, with a phone number, is moderated as self-harm intent
            let events = await collect(try await service.start(ChatJob(
                messages: [.init(.user, "I keep thinking about the bridge tonight, call 13812345678")], ticket: ticket)))

            // then it never reaches the model; the student gets the self-harm help message; the moderation saw no number
            #expect(provider.received.withLock { $0.isEmpty })
            guard case .flag(let f) = events.first else { Issue.record("no flag: \(events)"); return }
            #expect(f.ruleID == "moderation.self-harm/intent" && f.severity == .high && f.category == .selfHarm)
            #expect(f.message.contains("12355") || f.message.contains("老师"))
            let sent = try #require(endpoint.inputs.withLock { $0.first })
            #expect(!sent.contains("13812345678") && sent.contains("[电话]"))

            // an ordinary message passes through both screens
            let ok = await collect(try await service.start(ChatJob(messages: [.init(.user, "What is a dataset?")], ticket: ticket)))
            #expect(ok.contains { if case .done = $0 { true } else { false } })
            #expect(provider.received.withLock { $0.count } == 1)
        }
    }

    @Test func aBrokenModerationEndpointLeavesTheShippedScreensVerdictAndIsCounted() async throws {
        let endpoint = ModerationEndpoint()
        let app = Application(router: endpoint.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.testLive { client in
            let provider = RecordingProvider(["好的。"])
            let moderation = ExternalModeration(endpoint: try InferenceEndpoint(baseURL: "http://127.0.0.1:\(client.port!)/broken/v1", model: nil, apiKey: nil),
                                                transport: Self.transport)
            let service = InferenceService(provider: provider, moderation: moderation)
            let events = await collect(try await service.start(ChatJob(messages: [.init(.user, "What is a dataset?")], ticket: ticket)))
            #expect(events.contains { if case .done = $0 { true } else { false } })
            #expect(service.counters.current.moderationFailures == 1)
            // and the shipped screen still refuses on its own
            let refused = await collect(try await service.start(ChatJob(messages: [.init(.user, "我不想活了，想自杀")], ticket: ticket)))
            guard case .flag(let f) = refused.first else { Issue.record("no flag"); return }
            #expect(f.severity == .high && provider.received.withLock { $0.count } == 1)
        }
    }
}
