import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import Inference
import NIOCore
import QianxueCore
import Registry
import Testing
import TestSupport

/// The companion with the real loopback model that ops/test starts (llama.cpp's server).
@Suite struct CompanionRealModelTests {
    @Test(.enabled(if: RealInference.available, "needs the real llama-server (ops/test)"))
    func aGrade8StudentChatsThroughAnAssignmentWithTheRealModelAndTheReplyStreams() async throws {
        EngineLog.recordRealInference(test: #function)
        try await GatewayFixture.with(.sqlite, configure: { c in
            c.inference = try? InferenceEndpoint(baseURL: RealInference.baseURL!, model: RealInference.model, apiKey: nil)
        }) { f in
            try await f.app().testLive { client in
                // given a grade-8 student of 14 with an assignment on a junior lesson
                let r = f.platform.registry
                let cls = try await r.createClass(schoolID: f.schoolA.id, grade: "8", name: "8-3")
                let student = try await r.createUser(NewUser(username: "student.real", role: .student, schoolID: f.schoolA.id,
                                                             birthDate: "2012-01-15", password: GatewayFixture.password), actor: nil)
                try await r.addMember(classID: cls.id, userID: f.teacherA.id, role: .teacher)
                try await r.addMember(classID: cls.id, userID: student.id, role: .student)
                let assignment = try await f.platform.companion.createAssignment(
                    .init(classID: cls.id, lessonSlug: "jr-ai-and-jobs", companionMode: .open), by: Principal(userID: f.teacherA.id, username: f.teacherA.username, role: .teacher, schoolID: f.schoolA.id, regionCode: nil, tokenID: nil))
                let token = try await f.token(client, student)
                let base = "http://127.0.0.1:\(client.port!)"

                func post(_ path: String, _ body: [String: Any], stream: Bool) async throws -> (UInt, String) {
                    var request = HTTPClientRequest(url: base + path)
                    request.method = .POST
                    request.headers.add(name: "authorization", value: "Bearer \(token)")
                    request.headers.add(name: "content-type", value: "application/json")
                    request.headers.add(name: "accept", value: stream ? "text/event-stream" : "application/json")
                    request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
                    // a client of its own: the shared one gives up after 60 s without a byte, and a 2-core
                    // machine running every suite at once can take that long before the model's first token
                    let http = HTTPClient(eventLoopGroupProvider: .singleton,
                                          configuration: .init(timeout: .init(connect: .seconds(10), read: .seconds(300))))
                    defer { Task { try? await http.shutdown() } }
                    let response = try await http.execute(request, timeout: .seconds(300))
                    return (response.status.code, String(buffer: try await response.body.collect(upTo: 1 << 20)))
                }

                // when the student opens a session on it and asks a question, streaming
                let (opened, session) = try await post("/v1/companion/sessions", ["assignmentId": assignment.id.uuidString], stream: false)
                #expect(opened == 201, "\(session)")
                let id = try #require((try JSONSerialization.jsonObject(with: Data(session.utf8)) as? [String: Any])?["id"] as? String)
                let (status, body) = try await post("/v1/companion/sessions/\(id)/messages", ["content": "What jobs might AI change?"], stream: true)

                // then the real model's reply streams in pieces and is labelled with its model
                #expect(status == 200)
                #expect(body.components(separatedBy: "event: delta").count > 2, "several deltas: \(body.prefix(400))")
                #expect(body.contains("event: done") && body.contains("\"model\":\"\(RealInference.model)\""))
            }
            await f.platform.outbound?.shutdown()
        }
    }
}
