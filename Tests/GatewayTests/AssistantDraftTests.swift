import Foundation
import HTTPTypes
import Hummingbird
import Inference
import HummingbirdTesting
import NIOCore
import QianxueCore
import Registry
import SQLKit
import Testing
import TestSupport

/// The teacher assistant over HTTP: a draft streamed and stored, edited under If-Match, approved and
/// published with every version kept — and never shown to a student.
@Suite struct AssistantDraftTests {
    static let lesson = "jr-miao-silver-features"

    struct Class8 {
        let teacher: String
        let student: String
        let classID: UUID
    }

    static func class8(_ f: GatewayFixture, _ client: some TestClientProtocol) async throws -> Class8 {
        let r = f.platform.registry
        let c = try await r.createClass(schoolID: f.schoolA.id, grade: "8", name: "8-3")
        let s = try await r.createUser(NewUser(username: "student.asst", role: .student, schoolID: f.schoolA.id, birthDate: "2012-03-01",
                                               password: GatewayFixture.password), actor: nil)
        try await r.addMember(classID: c.id, userID: f.teacherA.id, role: .teacher)
        try await r.addMember(classID: c.id, userID: s.id, role: .student)
        return Class8(teacher: try await f.token(client, f.teacherA), student: try await f.token(client, s), classID: c.id)
    }

    static func send(_ client: some TestClientProtocol, _ token: String, _ method: HTTPRequest.Method, _ uri: String, _ body: [String: Any]? = nil,
                     accept: String = "application/json", ifMatch: String? = nil) async throws -> TestResponse {
        var headers = bearer(token)
        headers[.contentType] = "application/json"
        headers[.accept] = accept
        if let ifMatch { headers[.ifMatch] = ifMatch }
        return try await client.execute(uri: uri, method: method, headers: headers,
                                        body: body.map { ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: $0)) }) { $0 }
    }

    @Test(arguments: TestDatabase.engines)
    func aLessonPlanStreamsIsEditedApprovedAndPublishedWithEveryVersionKept(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let p = try await Self.class8(f, client)
                // when the teacher asks for a lesson plan for her grade-8 class, as a stream
                let streamed = try await Self.send(client, p.teacher, .post, "/v1/assistant/drafts",
                                                   ["kind": "lessonPlan", "lessonSlug": Self.lesson, "classId": p.classID.uuidString,
                                                    "instructions": "突出小组合作"], accept: "text/event-stream")

                // then it streams in the API's events and `done` names the stored draft
                #expect(streamed.status == .created, "\(streamed.text)")
                #expect(streamed.text.contains("event: delta") && streamed.text.contains("event: done"), "\(streamed.text)")
                let done = try #require(streamed.text.components(separatedBy: "event: done\ndata: ").last?.split(separator: "\n").first)
                let doneJSON = try #require(try JSONSerialization.jsonObject(with: Data(done.utf8)) as? [String: Any])
                let id = try #require(doneJSON["draftId"] as? String)
                let read = try await Self.send(client, p.teacher, .get, "/v1/assistant/drafts/\(id)")
                #expect(read.status == .ok)
                #expect(read.json["state"] as? String == "draft" && read.json["band"] as? String == "junior")
                #expect(read.json["provider"] as? String == "offline" && read.json["aiGenerated"] as? Bool == true)
                #expect(read.headers[.eTag] == "\"v1\"")
                // (with no model configured, the draft is the lesson's own outline and says so)
                let content = try #require(read.json["content"] as? String)
                #expect(content.contains("离线提纲") && content.contains("## 教学目标") && content.contains("突出小组合作"), "\(content)")
                #expect(content.contains("能为银角、银冠、项圈等银饰图片设计可观察的特征"))

                // and an edit needs the version read: none 428, a stale one 412, the right one 200
                let edit: [String: Any] = ["content": "# 教案\n老师改写的教案。", "note": "重写导入"]
                #expect(try await Self.send(client, p.teacher, .patch, "/v1/assistant/drafts/\(id)", edit).isProblem(.preconditionRequired))
                #expect(try await Self.send(client, p.teacher, .patch, "/v1/assistant/drafts/\(id)", edit, ifMatch: "\"v7\"").isProblem(.preconditionFailed))
                let edited = try await Self.send(client, p.teacher, .patch, "/v1/assistant/drafts/\(id)", edit, ifMatch: "\"v1\"")
                #expect(edited.status == .ok, "\(edited.text)")
                #expect(edited.json["state"] as? String == "edited" && edited.json["version"] as? Int == 2)

                // and publishing before approval is a conflict; approve then publish succeeds
                #expect(try await Self.send(client, p.teacher, .post, "/v1/assistant/drafts/\(id)/publish", ifMatch: "\"v2\"").isProblem(.conflict))
                let approved = try await Self.send(client, p.teacher, .post, "/v1/assistant/drafts/\(id)/approve", ifMatch: "\"v2\"")
                #expect(approved.json["state"] as? String == "approved", "\(approved.text)")
                let published = try await Self.send(client, p.teacher, .post, "/v1/assistant/drafts/\(id)/publish", ifMatch: "\"v3\"")
                #expect(published.json["state"] as? String == "published", "\(published.text)")
                #expect(try await Self.send(client, p.teacher, .patch, "/v1/assistant/drafts/\(id)", edit, ifMatch: "\"v4\"").isProblem(.conflict))

                // and every version is kept, the AI's first and the teacher's after
                let versions = try await Self.send(client, p.teacher, .get, "/v1/assistant/drafts/\(id)/versions")
                let items = try #require(versions.json["items"] as? [[String: Any]])
                #expect(items.map { $0["state"] as? String } == ["draft", "edited", "approved", "published"])
                #expect(items.map { $0["author"] as? String } == ["ai", "teacher", "teacher", "teacher"])
                #expect(items[1]["content"] as? String == "# 教案\n老师改写的教案。")
                // and approval and publication are on the audit log, by the teacher
                let audited = try await f.platform.database.sql.raw("SELECT action FROM audit_events WHERE target_id = \(bind: id.uppercased()) OR target_id = \(bind: id)")
                    .all().map { try $0.decode(column: "action", as: String.self) }
                #expect(audited.sorted() == ["assistant.draft.approve", "assistant.draft.publish"], "\(audited)")

                // and the student sees no draft, not even a published one, and cannot list them
                #expect(try await Self.send(client, p.student, .get, "/v1/assistant/drafts/\(id)").isProblem(.notFound))
                #expect(try await Self.send(client, p.student, .get, "/v1/assistant/drafts").isProblem(.forbidden))
                let list = try await Self.send(client, p.teacher, .get, "/v1/assistant/drafts?kind=lessonPlan&pageSize=1")
                #expect((list.json["items"] as? [[String: Any]])?.first?["id"] as? String == id)
            }
        }
    }

    @Test func aReplayedIdempotencyKeyOnAStreamedDraftAnswersTheStoredDraftAsJSON() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().test(.router) { client in
                let p = try await Self.class8(f, client)
                var headers = bearer(p.teacher)
                headers[.contentType] = "application/json"
                headers[.accept] = "text/event-stream"
                headers[HTTPField.Name("Idempotency-Key")!] = "draft-once-1"
                let body = try JSONSerialization.data(withJSONObject: ["kind": "lessonPlan", "lessonSlug": Self.lesson, "classId": p.classID.uuidString])
                // when the same streamed request is sent twice with one key
                let first = try await client.execute(uri: "/v1/assistant/drafts", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { $0 }
                let again = try await client.execute(uri: "/v1/assistant/drafts", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { $0 }
                // then the second gets the stored draft as JSON, and only one draft exists
                #expect(first.text.contains("event: done"))
                let id = try #require(again.json["id"] as? String, "\(again.text)")
                #expect(first.text.contains(id) && again.json["state"] as? String == "draft")
                let list = try await Self.send(client, p.teacher, .get, "/v1/assistant/drafts")
                #expect((list.json["items"] as? [[String: Any]])?.count == 1)
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func badDraftRequestsAreProblemsNamingTheField(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let p = try await Self.class8(f, client)
                let other = try await f.platform.registry.createClass(schoolID: f.schoolA.id, grade: "9", name: "9-9")
                let cases: [([String: Any], String)] = [
                    (["kind": "lessonPlan", "lessonSlug": "no-such-lesson"], "lessonSlug"),
                    (["kind": "quiz", "lessonSlug": Self.lesson, "itemCount": 50], "itemCount"),
                    (["kind": "lessonPlan", "lessonSlug": Self.lesson, "itemCount": 3], "itemCount"),
                    (["kind": "feedback", "lessonSlug": Self.lesson], "sessionId"),
                    (["kind": "lessonPlan", "lessonSlug": Self.lesson, "instructions": String(repeating: "长", count: 2_001)], "instructions"),
                    (["kind": "essay", "lessonSlug": Self.lesson], "kind"),
                ]
                for (body, field) in cases {
                    let r = try await Self.send(client, p.teacher, .post, "/v1/assistant/drafts", body)
                    #expect(r.status.code == 400, "\(body): \(r.text)")
                    #expect((r.json["fields"] as? [String])?.contains(field) == true || (r.json["detail"] as? String)?.contains(field) == true,
                            "\(body): \(r.text)")
                }
                // a class the teacher does not teach is 404, as if it did not exist
                let notMine = try await Self.send(client, p.teacher, .post, "/v1/assistant/drafts",
                                                  ["kind": "lessonPlan", "lessonSlug": Self.lesson, "classId": other.id.uuidString])
                #expect(notMine.isProblem(.notFound), "\(notMine.text)")
                // a student may not ask for drafts at all
                #expect(try await Self.send(client, p.student, .post, "/v1/assistant/drafts", ["kind": "quiz", "lessonSlug": Self.lesson]).isProblem(.forbidden))
                #expect(try await Self.send(client, p.teacher, .get, "/v1/assistant/drafts/\(UUID().uuidString)").isProblem(.notFound))
                #expect(try await Self.send(client, p.teacher, .get, "/v1/assistant/drafts/nope").status.code == 400)
            }
        }
    }

    @Test func aLessonPlanFromTheModelStreamsAsWrittenAndIsStoredWithItsModel() async throws {
        let plan = "# 教案\n## 教学目标\n- 能为银饰图片设计可观察的特征\n## 教学过程\n导入（5 分钟）：展示银饰照片。"
        let endpoint = AssistantQuizTests.ScriptedEndpoint(replies: [plan])
        let upstream = Application(router: endpoint.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await upstream.testLive { model in
            try await GatewayFixture.with(.sqlite, configure: { c in
                c.inference = try? InferenceEndpoint(baseURL: "http://127.0.0.1:\(model.port!)/v1", model: "scripted", apiKey: nil)
            }) { f in
                try await f.app().test(.router) { client in
                    let p = try await Self.class8(f, client)
                    // when the teacher asks for a lesson plan with a model configured
                    let r = try await Self.send(client, p.teacher, .post, "/v1/assistant/drafts",
                                                ["kind": "lessonPlan", "lessonSlug": Self.lesson, "classId": p.classID.uuidString], accept: "text/event-stream")
                    // then the model's text streams and is stored as written, labelled with the model
                    #expect(r.status == .created)
                    #expect(r.text.contains("event: delta") && r.text.contains("\"provider\":\"openai-compatible\""), "\(r.text)")
                    let list = try await Self.send(client, p.teacher, .get, "/v1/assistant/drafts")
                    let d = try #require((list.json["items"] as? [[String: Any]])?.first)
                    #expect(d["content"] as? String == plan && d["model"] as? String == "scripted")
                    // and the lesson went with the system prompt, the task as the user's message
                    let body = try #require(endpoint.bodies.withLock { $0 }.first)
                    let system = GullibleEndpoint.systemPrompt(of: body) ?? ""
                    #expect(system.contains("苗族银饰的特征与标签") && system.contains("学段：初中（班级 8-3）"), "\(system.prefix(300))")
                }
            }
        }
    }
}
