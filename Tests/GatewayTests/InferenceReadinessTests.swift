import Foundation
import HTTPTypes
import HummingbirdTesting
import Inference
import Testing
import TestSupport

@Suite struct InferenceReadinessTests {
    @Test func readinessShowsTheBreakerOpeningWhenTheEndpointIsGone() async throws {
        try await GatewayFixture.with(.sqlite, configure: { c in
            // given an endpoint where nothing listens, and a breaker that opens after two failures
            c.inference = try? InferenceEndpoint(baseURL: "http://127.0.0.1:1/v1", model: "m", apiKey: nil)
            c.breakerThreshold = 2
        }) { f in
            let runtime = f.platform.inference
            try await f.app().test(.router) { client in
                try await client.execute(uri: "/ready", method: .get) { r in
                    let inference = r.json["inference"] as? [String: Any]
                    #expect(inference?["state"] as? String == "available")
                    #expect(inference?["breaker"] as? String == "closed")
                    #expect(inference?["provider"] as? String == "http://127.0.0.1:1/v1")
                }
                // when two requests fail, each answered by the offline provider instead
                for _ in 0..<2 {
                    let answer = try await runtime.provider.complete(ChatRequest(messages: [.init(.user, "你好")]))
                    #expect(answer.model == OfflineProvider.modelName)
                }
                // then readiness says so, and stays ready: the platform works without the endpoint
                try await client.execute(uri: "/ready", method: .get) { r in
                    #expect(r.status == .ok)
                    let inference = r.json["inference"] as? [String: Any]
                    #expect(inference?["state"] as? String == "unavailable")
                    #expect(inference?["breaker"] as? String == "open")
                }
            }
            await f.platform.outbound?.shutdown()
        }
    }
}
