import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Testing
import TestSupport

/// A published quiz attached to an assignment: the student answers it and sees the score and the
/// rationales after submitting; the teacher follows progress, edits and withdraws the assignment.
@Suite struct AssignmentQuizProgressTests {
    typealias T = AssistantDraftTests

    @Test(arguments: TestDatabase.engines)
    func aPublishedQuizIsAnsweredAndShowsInProgressUntilTheAssignmentIsWithdrawn(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let p = try await T.class8(f, client)
                // given a four-item quiz, approved item by item but not yet published
                let q = try await T.send(client, p.teacher, .post, "/v1/assistant/drafts",
                                         ["kind": "quiz", "lessonSlug": T.lesson, "classId": p.classID.uuidString, "itemCount": 4])
                let quizID = try #require(q.json["id"] as? String)
                var items = try #require(q.json["items"] as? [[String: Any]])
                for i in items.indices { items[i]["approved"] = true }
                _ = try await T.send(client, p.teacher, .patch, "/v1/assistant/drafts/\(quizID)", ["items": items], ifMatch: "\"v1\"")
                _ = try await T.send(client, p.teacher, .post, "/v1/assistant/drafts/\(quizID)/approve", ifMatch: "\"v2\"")
                let assign: [String: Any] = ["classId": p.classID.uuidString, "lessonSlug": T.lesson, "companionMode": "open", "quizId": quizID]

                // then an unpublished quiz cannot go with an assignment
                let early = try await T.send(client, p.teacher, .post, "/v1/assignments", assign)
                #expect(early.isProblem(.conflict), "\(early.text)")
                _ = try await T.send(client, p.teacher, .post, "/v1/assistant/drafts/\(quizID)/publish", ifMatch: "\"v3\"")
                let a = try await T.send(client, p.teacher, .post, "/v1/assignments", assign)
                #expect(a.status == .created && a.json["quizId"] as? String == quizID, "\(a.text)")
                let aid = try #require(a.json["id"] as? String)

                // when the student reads the quiz, it has no keys or rationales
                let view = try await T.send(client, p.student, .get, "/v1/assignments/\(aid)/quiz")
                #expect(view.status == .ok, "\(view.text)")
                #expect(!view.text.contains("\"key\"") && !view.text.contains("rationale") && view.json["result"] == nil)
                // and bad answers are refused, naming what is wrong
                let unknown = try await T.send(client, p.student, .post, "/v1/assignments/\(aid)/quiz/answers", ["answers": [["itemId": "q9", "choice": "A"]]])
                #expect(unknown.isProblem(.validation) && (unknown.json["detail"] as? String)?.contains("q9") == true, "\(unknown.text)")
                let badChoice = try await T.send(client, p.student, .post, "/v1/assignments/\(aid)/quiz/answers", ["answers": [["itemId": "q1", "choice": "Z"]]])
                #expect(badChoice.isProblem(.validation), "\(badChoice.text)")

                // when the student answers the first two items right and the others wrong
                let keys = items.map { $0["key"] as? String ?? "A" }
                let wrong = { (k: String) in k == "A" ? "B" : "A" }
                let answers = [["itemId": "q1", "choice": keys[0]], ["itemId": "q2", "choice": keys[1].lowercased()],
                               ["itemId": "q3", "choice": wrong(keys[2])], ["itemId": "q4", "choice": wrong(keys[3])]]
                let result = try await T.send(client, p.student, .post, "/v1/assignments/\(aid)/quiz/answers", ["answers": answers])

                // then the score and every rationale come back, once
                #expect(result.status == .created, "\(result.text)")
                #expect(result.json["score"] as? Int == 2 && result.json["maxScore"] as? Int == 4)
                let scored = try #require(result.json["items"] as? [[String: Any]])
                #expect(scored.map { $0["correct"] as? Bool } == [true, true, false, false])
                #expect(scored.allSatisfy { ($0["rationale"] as? String)?.isEmpty == false })
                #expect(try await T.send(client, p.student, .post, "/v1/assignments/\(aid)/quiz/answers", ["answers": answers]).isProblem(.conflict))
                #expect((try await T.send(client, p.student, .get, "/v1/assignments/\(aid)/quiz").json["result"] as? [String: Any])?["score"] as? Int == 2)

                // and after a message to the companion the teacher's progress shows it all
                let s = try await T.send(client, p.student, .post, "/v1/companion/sessions", ["assignmentId": aid])
                let sid = try #require(s.json["id"] as? String)
                _ = try await T.send(client, p.student, .post, "/v1/companion/sessions/\(sid)/messages", ["content": "好特征要满足哪几点？"])
                let progress = try await T.send(client, p.teacher, .get, "/v1/assignments/\(aid)/progress")
                #expect(progress.status == .ok, "\(progress.text)")
                let row = try #require((progress.json["students"] as? [[String: Any]])?.first)
                #expect(row["opened"] as? Bool == true && row["messages"] as? Int == 1 && row["hintsUsed"] as? Int == 1 && row["minutes"] as? Int == 5)
                #expect(row["quizScore"] as? Int == 2 && row["atRisk"] as? Bool == true && (row["reasons"] as? [String]) == ["quiz score under 60%"])
                let totals = try #require(progress.json["totals"] as? [String: Any])
                #expect(totals["students"] as? Int == 1 && totals["quizSubmitted"] as? Int == 1 && totals["quizAverage"] as? Double == 0.5)
                let peek = try await T.send(client, p.student, .get, "/v1/assignments/\(aid)/progress")
                #expect(peek.isProblem(.notFound), "\(peek.text)")

                // when the teacher moves the due date, then withdraws the assignment
                let edited = try await T.send(client, p.teacher, .patch, "/v1/assignments/\(aid)", ["dueAt": "2030-12-05T15:59:59Z", "note": "周五前完成"])
                #expect(edited.json["note"] as? String == "周五前完成" && (edited.json["dueAt"] as? String)?.hasPrefix("2030-12-05") == true, "\(edited.text)")
                let gone = try await T.send(client, p.teacher, .post, "/v1/assignments/\(aid)/withdraw")
                #expect(gone.json["withdrawnAt"] != nil, "\(gone.text)")

                // then students no longer see it, and it is final
                let mine = try await T.send(client, p.student, .get, "/v1/me/assignments")
                #expect((mine.json["items"] as? [[String: Any]])?.contains { $0["id"] as? String == aid } == false)
                #expect(try await T.send(client, p.student, .get, "/v1/assignments/\(aid)/quiz").isProblem(.notFound))
                #expect(try await T.send(client, p.teacher, .patch, "/v1/assignments/\(aid)", ["note": "x"]).isProblem(.conflict))
            }
        }
    }
}
