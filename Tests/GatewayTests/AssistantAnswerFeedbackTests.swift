import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inference
import QianxueCore
import Registry
import Testing
import TestSupport

/// Feedback drafts on a student's quiz answers: the model reads the items, the keys, the rationales
/// and the student's choices — under the companion's consent and redaction rules — and the draft
/// is advisory; the score stays the one the key gave.
@Suite struct AssistantAnswerFeedbackTests {
    typealias T = AssistantDraftTests

    @Test(arguments: TestDatabase.engines)
    func feedbackOnQuizAnswersSendsTheItemsAndChoicesUnderConsentAndNeverGrades(engine: DatabaseEngine) async throws {
        let endpoint = AssistantQuizTests.ScriptedEndpoint(replies: ["学生做得好：第一题答对了。需要改进：复习好特征的要求。建议分数：仅供参考。"])
        try await endpoint.serving(engine) { f in
            try await f.app().test(.router) { client in
                // given a pupil of 13 named 龙小雨 with a guardian's consent, who answered a published two-item quiz
                let given = try await AssistantFeedbackTests.consentedPupil(f, client, className: "8-4", username: "pupil.quiz")
                let (cls, pupil, teacher, student, admin) = (given.classID, given.pupil, given.teacher, given.student, given.admin)
                let q = try await T.send(client, teacher, .post, "/v1/assistant/drafts",
                                         ["kind": "quiz", "lessonSlug": T.lesson, "classId": cls.uuidString, "itemCount": 2])
                let quizID = try #require(q.json["id"] as? String, "\(q.text)")
                let items = try #require(q.json["items"] as? [[String: Any]])
                _ = try await T.send(client, teacher, .patch, "/v1/assistant/drafts/\(quizID)", ["items": items.map { $0.merging(["review": "approved"]) { $1 } }],
                                     ifMatch: "\"v1\"")
                _ = try await T.send(client, teacher, .post, "/v1/assistant/drafts/\(quizID)/approve", ifMatch: "\"v2\"")
                _ = try await T.send(client, teacher, .post, "/v1/assistant/drafts/\(quizID)/publish", ifMatch: "\"v3\"")
                let a = try await T.send(client, teacher, .post, "/v1/assignments",
                                         ["classId": cls.uuidString, "lessonSlug": T.lesson, "companionMode": "open", "quizId": quizID])
                let aid = try #require(a.json["id"] as? String, "\(a.text)")
                let key = items[0]["key"] as? String ?? "A"
                _ = try await T.send(client, student, .post, "/v1/assignments/\(aid)/quiz/answers", ["answers": [["itemId": "q1", "choice": key]]])
                let progress = try await T.send(client, teacher, .get, "/v1/assignments/\(aid)/progress")
                let submission = try #require((progress.json["students"] as? [[String: Any]])?.first?["quizSubmissionId"] as? String, "\(progress.text)")
                let ask: [String: Any] = ["kind": "feedback", "lessonSlug": T.lesson, "submissionId": submission]

                // when the teacher asks for feedback on the answers
                let fb = try await T.send(client, teacher, .post, "/v1/assistant/drafts", ask)

                // then it is advisory and about the submission, and the model read items, keys, rationales and choices — no name
                #expect(fb.status == .created && fb.json["advisory"] as? Bool == true && fb.json["submissionId"] as? String == submission, "\(fb.text)")
                #expect(fb.json["sessionId"] == nil)
                let sent = try #require(endpoint.bodies.withLock { $0 }.last).replacingOccurrences(of: "\\/", with: "/")
                let stem = try #require(items[0]["stem"] as? String), rationale = try #require(items[1]["rationale"] as? String)
                #expect(sent.contains("得分 1/2") && sent.contains("学生的答案：\(key)（对）") && sent.contains("未作答"), "\(sent)")
                #expect(sent.contains(String(stem.prefix(12))) && sent.contains(String(rationale.prefix(12))) && !sent.contains("龙小雨"), "\(sent)")
                // and the student's score is still the key's
                let mine = try await T.send(client, student, .get, "/v1/assignments/\(aid)/quiz")
                #expect((mine.json["result"] as? [String: Any])?["score"] as? Int == 1)

                // and bad requests are named: both subjects, an unknown submission, another lesson
                let both = try await T.send(client, teacher, .post, "/v1/assistant/drafts", ask.merging(["sessionId": UUID().uuidString]) { $1 })
                #expect(both.isProblem(.validation), "\(both.text)")
                let unknown = try await T.send(client, teacher, .post, "/v1/assistant/drafts", ask.merging(["submissionId": UUID().uuidString]) { $1 })
                #expect(unknown.isProblem(.validation) && unknown.json["fields"] as? [String] == ["submissionId"], "\(unknown.text)")
                let onPlan = try await T.send(client, teacher, .post, "/v1/assistant/drafts", ask.merging(["kind": "lessonPlan"]) { $1 })
                #expect(onPlan.isProblem(.validation) && onPlan.json["fields"] as? [String] == ["submissionId"], "\(onPlan.text)")

                // and once consent is withdrawn, nothing of the pupil's goes to the model
                let before = endpoint.bodies.withLock { $0.count }
                _ = try await client.execute(uri: "/v1/students/\(pupil.id)/consent", method: .delete, headers: bearer(admin)) { $0 }
                #expect(try await T.send(client, teacher, .post, "/v1/assistant/drafts", ask).isProblem(.consentRequired))
                #expect(endpoint.bodies.withLock { $0.count } == before)
            }
        }
    }
}
