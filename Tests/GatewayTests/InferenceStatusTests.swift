import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TestSupport

@Suite struct InferenceStatusTests {
    @Test func adminsSeeTheSlotsQueueAndFirstTokenLatency() async throws {
        try await GatewayFixture.with(.sqlite, configure: { $0.scheduler.slots = 6 }) { f in
            try await f.app().test(.router) { client in
                let admin = try await f.token(client, f.admin)
                let teacher = try await f.token(client, f.teacherA)
                var headers = bearer(teacher)
                headers[.contentType] = "application/json"
                let body = try JSONSerialization.data(withJSONObject: ["messages": [["role": "user", "content": "侗族大歌是什么？"]]])
                try await client.execute(uri: "/v1/inference/chat", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { r in
                    #expect(r.status == .ok)
                }
                try await client.execute(uri: "/v1/inference/status", method: .get, headers: bearer(admin)) { r in
                    #expect(r.status == .ok)
                    #expect(r.json["provider"] as? String == "offline")
                    #expect(r.json["state"] as? String == "offline")
                    #expect(r.json["slots"] as? Int == 6)
                    #expect(r.json["inFlight"] as? Int == 0)
                    #expect((r.json["queued"] as? [String: Int])?["student"] == 0)
                    #expect(r.json["firstTokenSamples"] as? Int == 1)
                    #expect(r.json["firstTokenP95Ms"] is Double)
                }
                try await client.execute(uri: "/v1/inference/status", method: .get, headers: bearer(teacher)) { r in
                    #expect(r.isProblem(.forbidden))
                }
                // and Prometheus sees the same: one completed request, its tokens, the queue and the breaker
                for _ in 0..<2 {   // a second scrape must not count the request twice
                    try await client.execute(uri: "/metrics", method: .get) { r in
                        #expect(r.text.contains(#"qianxue_inference_requests_total{outcome="completed"} 1"#))
                        #expect(r.text.contains(#"qianxue_inference_queue_depth{class="student"} 0"#))
                        #expect(r.text.contains("qianxue_inference_breaker_open 0"))
                        #expect(r.text.contains(#"qianxue_inference_tokens_total{direction="completion"}"#))
                        #expect(r.text.contains("qianxue_inference_slots 6"))
                    }
                }
            }
        }
    }
}
