import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Inference
import NIOCore
import Registry
import Testing
import TestSupport

/// A student sends again while the companion's reply still streams: the second turn is refused and
/// nothing of it is stored; the first reply is stored whole.
@Suite struct CompanionOverlapTests {
    @Test func aSecondMessageWhileTheReplyStreamsIsRefusedAndTheFirstReplyIsKept() async throws {
        let slow = OneTokenASecondEndpoint()
        try await GatewayFixture.over(endpoint: slow.router()) { f in
            try await f.app().testLive { client in
                let s = try await f.platform.registry.createUser(NewUser(username: "student.twice", role: .student, schoolID: f.schoolA.id,
                                                                         grade: "8", birthDate: "2012-01-01", password: GatewayFixture.password), actor: nil)
                let token = try await f.token(client, s)
                let base = "http://127.0.0.1:\(client.port!)"
                func request(_ path: String, _ json: String, stream: Bool) -> HTTPClientRequest {
                    var r = HTTPClientRequest(url: base + path)
                    r.method = .POST
                    r.headers.add(name: "authorization", value: "Bearer \(token)")
                    r.headers.add(name: "content-type", value: "application/json")
                    r.headers.add(name: "accept", value: stream ? "text/event-stream" : "application/json")
                    r.body = .bytes(ByteBuffer(string: json))
                    return r
                }
                let opened = try await HTTPClient.shared.execute(request("/v1/companion/sessions", #"{"lessonSlug":"jr-ai-and-jobs"}"#, stream: false),
                                                                 timeout: .seconds(30))
                let session = try #require((try JSONSerialization.jsonObject(with: Data(buffer: try await opened.body.collect(upTo: 1 << 16)))
                    as? [String: Any])?["id"] as? String)

                // when a first reply is streaming and the student sends again
                // (the deadline covers the whole streamed reply, a token a second: generous for a saturated machine)
                let first = try await HTTPClient.shared.execute(request("/v1/companion/sessions/\(session)/messages", #"{"content":"第一个问题"}"#, stream: true),
                                                                timeout: .seconds(120))
                let second = try await HTTPClient.shared.execute(request("/v1/companion/sessions/\(session)/messages", #"{"content":"第二个问题"}"#, stream: false),
                                                                 timeout: .seconds(30))

                // then the second is refused with Retry-After, and only the first turn is stored, reply and all
                #expect(second.status == .tooManyRequests)
                #expect(second.headers["retry-after"].first != nil)
                let body = String(buffer: try await first.body.collect(upTo: 1 << 20))
                #expect(body.contains("event: done"))
                var history: [[String: Any]] = []
                for _ in 0..<20 {
                    var list = HTTPClientRequest(url: base + "/v1/companion/sessions/\(session)/messages")
                    list.headers.add(name: "authorization", value: "Bearer \(token)")
                    let r = try await HTTPClient.shared.execute(list, timeout: .seconds(10))
                    history = (try JSONSerialization.jsonObject(with: Data(buffer: try await r.body.collect(upTo: 1 << 20))) as? [String: Any])?["items"] as? [[String: Any]] ?? []
                    if history.count >= 3 { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(history.map { $0["role"] as? String } == ["notice", "student", "companion"])
                #expect(history.last?["content"] as? String == OneTokenASecondEndpoint.tokens.joined())
                #expect(!history.contains { $0["content"] as? String == "第二个问题" })
            }
        }
    }
}
