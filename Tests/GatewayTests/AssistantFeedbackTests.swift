import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inference
import NIOCore
import QianxueCore
import Registry
import Testing
import TestSupport

/// Feedback drafts: a student's words reach the model only under the companion's rules (consent
/// under 14, names redacted), and the draft is advisory, never a grade.
@Suite struct AssistantFeedbackTests {
    struct Pupil {
        let classID: UUID
        let pupil: UserRecord
        let teacher: String
        let student: String
        let admin: String
    }

    /// A grade-8 pupil of 13 named 龙小雨 in a class of teacher.a, with a guardian's consent recorded.
    static func consentedPupil(_ f: GatewayFixture, _ client: some TestClientProtocol, className: String, username: String) async throws -> Pupil {
        let r = f.platform.registry
        let cls = try await r.createClass(schoolID: f.schoolA.id, grade: "8", name: className)
        let pupil = try await r.createUser(NewUser(username: username, displayName: "龙小雨", role: .student, schoolID: f.schoolA.id,
                                                   birthDate: "2013-09-01", password: GatewayFixture.password), actor: nil)
        try await r.addMember(classID: cls.id, userID: f.teacherA.id, role: .teacher)
        try await r.addMember(classID: cls.id, userID: pupil.id, role: .student)
        let admin = try await f.token(client, f.schoolAdminA)
        #expect(try await AssistantDraftTests.send(client, admin, .post, "/v1/students/\(pupil.id)/consent", [:]).status == .ok)
        return Pupil(classID: cls.id, pupil: pupil, teacher: try await f.token(client, f.teacherA), student: try await f.token(client, pupil), admin: admin)
    }

    @Test func feedbackNeedsConsentUnder14AndSendsTheConversationRedacted() async throws {
        let endpoint = AssistantQuizTests.ScriptedEndpoint(replies: ["你能提出好问题。", "学生做得好：提出了自己的问题。建议分数：8/10（仅供参考）。"])
        try await endpoint.serving { f in
            try await f.app().test(.router) { client in
                // given a grade-8 pupil of 13 named 龙小雨, with consent for the chat, in a session of an assignment
                let given = try await Self.consentedPupil(f, client, className: "8-5", username: "pupil.fb")
                let (cls, pupil, teacher, student, admin) = (given.classID, given.pupil, given.teacher, given.student, given.admin)
                let a = try await AssistantDraftTests.send(client, teacher, .post, "/v1/assignments",
                                                           ["classId": cls.uuidString, "lessonSlug": AssistantDraftTests.lesson, "companionMode": "open"])
                let s = try await AssistantDraftTests.send(client, student, .post, "/v1/companion/sessions", ["assignmentId": a.json["id"] as? String ?? ""])
                let sid = try #require(s.json["id"] as? String)
                _ = try await AssistantDraftTests.send(client, student, .post, "/v1/companion/sessions/\(sid)/messages",
                                                      ["content": "我是龙小雨，银饰的特征怎么选？"])
                let ask: [String: Any] = ["kind": "feedback", "lessonSlug": AssistantDraftTests.lesson, "sessionId": sid]

                // when the teacher asks for feedback on the session
                let fb = try await AssistantDraftTests.send(client, teacher, .post, "/v1/assistant/drafts", ask)

                // then it is advisory, and the model saw the conversation with the pupil's name replaced
                #expect(fb.status == .created, "\(fb.text)")
                #expect(fb.json["advisory"] as? Bool == true && fb.json["sessionId"] as? String == sid)
                let sent = try #require(endpoint.bodies.withLock { $0 }.last)
                #expect(sent.contains("银饰的特征怎么选") && !sent.contains("龙小雨"), "\(sent)")

                // and once the consent is withdrawn, nothing of the pupil's goes to the model
                let before = endpoint.bodies.withLock { $0.count }
                _ = try await client.execute(uri: "/v1/students/\(pupil.id)/consent", method: .delete, headers: bearer(admin)) { $0 }
                let refused = try await AssistantDraftTests.send(client, teacher, .post, "/v1/assistant/drafts", ask)
                #expect(refused.isProblem(.consentRequired), "\(refused.text)")
                #expect(endpoint.bodies.withLock { $0.count } == before)
                // and a session of a student the teacher does not teach is not found for her
                let other = try await AssistantDraftTests.send(client, teacher, .post, "/v1/assistant/drafts",
                                                               ["kind": "feedback", "lessonSlug": AssistantDraftTests.lesson, "sessionId": UUID().uuidString])
                #expect(other.isProblem(.validation), "\(other.text)")
            }
        }
    }
}
