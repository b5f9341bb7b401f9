import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Registry
import Testing
import TestSupport

/// The two streaming routes over a real connection, on SQLite and on PostgreSQL: their requests are
/// handled on the connection's event loop (`LoopTaskExecutor`), which router testing never does —
/// the database calls, the stored turn and the streamed frames must work from there as from the pool.
/// (It passes with the executor or without: it guards that the path works on both engines, and
/// `LoopTaskExecutorTests` that it is the one taken.)
@Suite struct StreamingRoutesLiveTests {
    @Test(arguments: TestDatabase.engines)
    func aCompanionReplyAndAnInferenceAnswerStreamAndAreStored(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().testLive { client in
                let student = try await f.platform.registry.createUser(
                    NewUser(username: "student.live", role: .student, schoolID: f.schoolA.id, grade: "10", birthDate: "2010-01-01",
                            password: GatewayFixture.password), actor: nil)
                let token = try await f.token(client, student)
                var headers = bearer(token)
                headers[.contentType] = "application/json"
                headers[.accept] = "application/json"
                let opened = try await client.execute(uri: "/v1/companion/sessions", method: .post, headers: headers,
                                                      body: ByteBuffer(string: #"{"lessonSlug":"jr-ai-and-jobs"}"#)) { $0 }
                let id = try #require(opened.json["id"] as? String, "\(opened.text)")

                // a student's message, the reply streamed
                headers[.accept] = "text/event-stream"
                for (turn, question) in ["人工智能擅长做什么工作？", "哪些工作会被人工智能改变？"].enumerated() {
                    let reply = try await client.execute(uri: "/v1/companion/sessions/\(id)/messages", method: .post, headers: headers,
                                                         body: ByteBuffer(string: "{\"content\":\"\(question)\"}")) { $0 }
                    #expect(reply.status == .ok, "\(reply.text)")
                    #expect(reply.text.contains("event: delta") && reply.text.contains("event: done"), "\(reply.text)")
                    // the next turn may begin once the reply is stored
                    var roles: [String] = []
                    for _ in 0..<300 {
                        let history = try await client.execute(uri: "/v1/companion/sessions/\(id)/messages", method: .get,
                                                               headers: bearer(token)) { $0 }
                        roles = (history.json["items"] as? [[String: Any]] ?? []).compactMap { $0["role"] as? String }
                        if roles.filter({ $0 == "companion" }).count == turn + 1 { break }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    #expect(roles.filter { $0 == "student" }.count == turn + 1 && roles.filter { $0 == "companion" }.count == turn + 1, "\(roles)")
                }

                // a teacher's answer from the inference endpoint, streamed
                var teacher = bearer(try await f.token(client, f.teacherA))
                teacher[.contentType] = "application/json"
                teacher[.accept] = "text/event-stream"
                let answer = try await client.execute(uri: "/v1/inference/chat", method: .post, headers: teacher,
                                                      body: ByteBuffer(string: #"{"messages":[{"role":"user","content":"侗族大歌是什么？"}]}"#)) { $0 }
                #expect(answer.status == .ok, "\(answer.text)")
                #expect(answer.text.contains("event: delta") && answer.text.contains("event: done"), "\(answer.text)")
            }
        }
    }
}
