import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Registry
import Testing
import TestSupport

/// The learning companion end to end over HTTP: assignments, sessions, the age rules, safety flags.
@Suite struct CompanionFlowTests {
    struct People {
        let teacher: String
        let grade8: String
        let grade3: String
        let schoolAdmin: String
        let grade3ID: UUID
        let class8: UUID
        let class3: UUID
    }

    /// A grade-8 student of 14 in a class of teacher A's, and a grade-3 student of 8 in another of hers.
    func people(_ f: GatewayFixture, _ client: some TestClientProtocol) async throws -> People {
        let r = f.platform.registry
        let c8 = try await r.createClass(schoolID: f.schoolA.id, grade: "8", name: "8-2")
        let c3 = try await r.createClass(schoolID: f.schoolA.id, grade: "3", name: "3-1")
        let s8 = try await r.createUser(NewUser(username: "student.g8", role: .student, schoolID: f.schoolA.id, birthDate: "2012-03-01",
                                                password: GatewayFixture.password), actor: nil)
        let s3 = try await r.createUser(NewUser(username: "student.g3", role: .student, schoolID: f.schoolA.id, birthDate: "2018-05-01",
                                                password: GatewayFixture.password), actor: nil)
        for (c, s) in [(c8, s8), (c3, s3)] {
            try await r.addMember(classID: c.id, userID: f.teacherA.id, role: .teacher)
            try await r.addMember(classID: c.id, userID: s.id, role: .student)
        }
        return People(teacher: try await f.token(client, f.teacherA), grade8: try await f.token(client, s8), grade3: try await f.token(client, s3),
                      schoolAdmin: try await f.token(client, f.schoolAdminA), grade3ID: s3.id, class8: c8.id, class3: c3.id)
    }

    func post(_ client: some TestClientProtocol, _ token: String, _ uri: String, _ body: [String: Any] = [:],
              accept: String = "application/json") async throws -> TestResponse {
        var headers = bearer(token)
        headers[.contentType] = "application/json"
        headers[.accept] = accept
        return try await client.execute(uri: uri, method: .post, headers: headers,
                                        body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))) { $0 }
    }

    func get(_ client: some TestClientProtocol, _ token: String, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: bearer(token)) { $0 }
    }

    @Test(arguments: TestDatabase.engines)
    func aGrade8StudentChatsThroughAnAssignmentAndTheReplyStreams(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let p = try await people(f, client)
                // given an assignment of a junior lesson to the grade-8 class
                let a = try await post(client, p.teacher, "/v1/assignments", ["classId": p.class8.uuidString, "lessonSlug": "jr-ai-and-jobs",
                                                                               "companionMode": "open", "note": "读完课文再问学伴"])
                #expect(a.status == .created, "\(a.text)")
                let assignmentID = try #require(a.json["id"] as? String)
                let mine = try await get(client, p.grade8, "/v1/me/assignments")
                #expect((mine.json["items"] as? [[String: Any]])?.first?["id"] as? String == assignmentID)

                // when the student opens a session and sends a message, asking for a stream
                let s = try await post(client, p.grade8, "/v1/companion/sessions", ["assignmentId": assignmentID])
                #expect(s.status == .created, "\(s.text)")
                #expect((s.json["notice"] as? String)?.contains("老师可以查看") == true)
                let sessionID = try #require(s.json["id"] as? String)
                let reply = try await post(client, p.grade8, "/v1/companion/sessions/\(sessionID)/messages",
                                           ["content": "人工智能会不会让很多工作消失？"], accept: "text/event-stream")

                // then the reply streams in the API's event format and is stored, labelled as AI
                #expect(reply.status == .ok)
                #expect(reply.text.contains("event: delta") && reply.text.contains("event: done"), "\(reply.text)")
                let history = try await get(client, p.grade8, "/v1/companion/sessions/\(sessionID)/messages")
                let items = try #require(history.json["items"] as? [[String: Any]])
                #expect(items.map { $0["role"] as? String } == ["notice", "student", "companion"])
                #expect(items.last?["aiGenerated"] as? Bool == true)
                #expect(items.last?["model"] as? String != nil)

                // another student cannot see it; the teacher reads it only with a reason, and the read is audited
                #expect(try await get(client, p.grade3, "/v1/companion/sessions/\(sessionID)/messages").status == .notFound)
                #expect(try await get(client, p.teacher, "/v1/companion/sessions/\(sessionID)/messages").isProblem(.validation))
                #expect(try await get(client, p.teacher, "/v1/companion/sessions/\(sessionID)/messages?reason=%E5%A4%8D%E6%A0%B8").status == .ok)
                let sessions = try await get(client, p.teacher, "/v1/classes/\(p.class8)/companion/sessions")
                #expect((sessions.json["items"] as? [[String: Any]])?.count == 1)
            }
        }
    }

    @Test func aGrade3StudentAloneGetsGuidedActivitiesAndOpenChatInClassMode() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().test(.router) { client in
                let p = try await people(f, client)
                // under 14 without consent: refused
                let refused = try await post(client, p.grade3, "/v1/companion/sessions", ["lessonSlug": "pl-find-ai-around-us"])
                #expect(refused.isProblem(.consentRequired), "\(refused.text)")
                #expect(try await post(client, p.schoolAdmin, "/v1/students/\(p.grade3ID)/consent", ["note": "家长同意书 2026-031"]).status == .ok)

                // alone: guided only
                let alone = try await post(client, p.grade3, "/v1/companion/sessions", ["lessonSlug": "pl-find-ai-around-us"])
                #expect(alone.status == .created)
                #expect(alone.json["mode"] as? String == "guided")
                #expect(((alone.json["guidedActivities"] as? [String]) ?? []).isEmpty == false)

                // in class mode opened by the teacher: open
                #expect(try await post(client, p.teacher, "/v1/classes/\(p.class3)/class-mode", ["minutes": 30]).status == .ok)
                let inClass = try await post(client, p.grade3, "/v1/companion/sessions", ["lessonSlug": "pl-find-ai-around-us"])
                #expect(inClass.json["mode"] as? String == "open")

                // withdrawing consent stops processing at once
                let sessionID = try #require(inClass.json["id"] as? String)
                let withdraw = try await client.execute(uri: "/v1/students/\(p.grade3ID)/consent", method: .delete, headers: bearer(p.schoolAdmin)) { $0 }
                #expect(withdraw.status == .noContent)
                let after = try await post(client, p.grade3, "/v1/companion/sessions/\(sessionID)/messages", ["content": "你好"])
                #expect(after.isProblem(.consentRequired))
            }
        }
    }

    @Test func selfHarmRaisesAFlagTheTeacherSeesAndExamModeLocks() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().test(.router) { client in
                let p = try await people(f, client)
                let s = try await post(client, p.grade8, "/v1/companion/sessions", ["lessonSlug": "jr-ai-and-jobs"])
                let sessionID = try #require(s.json["id"] as? String)

                // a self-harm message is answered with help and flagged for the teacher
                let reply = try await post(client, p.grade8, "/v1/companion/sessions/\(sessionID)/messages", ["content": "我不想活了"])
                #expect(reply.status == .ok)
                #expect((reply.json["content"] as? String)?.contains("12355") == true, "\(reply.text)")
                let flags = try await get(client, p.teacher, "/v1/safety/flags?status=open")
                let flag = try #require((flags.json["items"] as? [[String: Any]])?.first)
                #expect(flag["category"] as? String == "selfHarm" && flag["escalated"] as? Bool == true)
                #expect(flag["studentName"] as? String == "student.g8")
                let flagID = try #require(flag["id"] as? String)
                let ack = try await post(client, p.teacher, "/v1/safety/flags/\(flagID)/acknowledge")
                #expect(ack.json["status"] as? String == "acknowledged" && ack.json["secondsToAcknowledge"] != nil)
                let resolved = try await post(client, p.schoolAdmin, "/v1/safety/flags/\(flagID)/resolve", ["note": "班主任已与学生和家长谈话"])
                #expect(resolved.json["status"] as? String == "resolved")
                #expect(try await get(client, p.grade8, "/v1/safety/flags").isProblem(.forbidden))

                // exam mode for the class answers 423 with the window's end
                let now = Date()
                let iso = ISO8601DateFormatter()
                let window = try await post(client, p.teacher, "/v1/classes/\(p.class8)/exam-mode",
                                            ["from": iso.string(from: now.addingTimeInterval(-60)), "until": iso.string(from: now.addingTimeInterval(3_600))])
                #expect(window.status == .created, "\(window.text)")
                let locked = try await post(client, p.grade8, "/v1/companion/sessions/\(sessionID)/messages", ["content": "第二题怎么做？"])
                #expect(locked.isProblem(.examLocked), "\(locked.text)")
                #expect(locked.headers[.retryAfter] != nil)
            }
        }
    }

    @Test func badMessagesAreRefusedClearly() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().test(.router) { client in
                let p = try await people(f, client)
                let s = try await post(client, p.grade8, "/v1/companion/sessions", ["lessonSlug": "jr-ai-and-jobs"])
                let sessionID = try #require(s.json["id"] as? String)
                let uri = "/v1/companion/sessions/\(sessionID)/messages"
                #expect(try await post(client, p.grade8, uri, ["content": "   "]).isProblem(.validation))
                #expect(try await post(client, p.grade8, uri, ["content": String(repeating: "长", count: 4_001)]).isProblem(.payloadTooLarge))
                #expect(try await post(client, p.grade8, uri, ["content": "你好\u{0007}"]).isProblem(.validation))
                #expect(try await post(client, p.grade8, "/v1/companion/sessions/\(UUID())/messages", ["content": "你好"]).isProblem(.notFound))
                #expect(try await post(client, p.grade8, "/v1/companion/sessions", ["lessonSlug": "no-such-lesson"]).isProblem(.validation))
                #expect(try await post(client, p.teacher, "/v1/companion/sessions", ["lessonSlug": "jr-ai-and-jobs"]).isProblem(.forbidden))
                // nothing half-stored: the session has only its notice
                let history = try await get(client, p.grade8, uri)
                #expect((history.json["items"] as? [[String: Any]])?.count == 1)
            }
        }
    }
}
