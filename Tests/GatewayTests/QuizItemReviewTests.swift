import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Testing
import TestSupport

/// The teacher reviews a quiz one item at a time — approves, edits, removes — each a new version;
/// the quiz is approved only once no item is pending, and students never see a removed item.
@Suite struct QuizItemReviewTests {
    typealias T = AssistantDraftTests

    @Test(arguments: TestDatabase.engines)
    func aQuizIsReviewedItemByItemAndOnlyTheKeptItemsReachStudents(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                // given a four-item quiz, every item pending
                let p = try await T.class8(f, client)
                let q = try await T.send(client, p.teacher, .post, "/v1/assistant/drafts",
                                         ["kind": "quiz", "lessonSlug": T.lesson, "classId": p.classID.uuidString, "itemCount": 4])
                let id = try #require(q.json["id"] as? String)
                let items = try #require(q.json["items"] as? [[String: Any]])
                #expect(items.allSatisfy { $0["review"] as? String == "pending" }, "\(q.text)")
                func item(_ itemID: String, _ body: [String: Any], _ version: Int?) async throws -> TestResponse {
                    try await T.send(client, p.teacher, .patch, "/v1/assistant/drafts/\(id)/items/\(itemID)", body, ifMatch: version.map { "\"v\($0)\"" })
                }
                func review(_ d: TestResponse, _ itemID: String) -> String? {
                    (d.json["items"] as? [[String: Any]])?.first { $0["id"] as? String == itemID }?["review"] as? String
                }

                // when the teacher asks to approve the quiz at once, it is refused naming every item
                let early = try await T.send(client, p.teacher, .post, "/v1/assistant/drafts/\(id)/approve", ifMatch: "\"v1\"")
                #expect(early.isProblem(.conflict) && (early.json["detail"] as? String)?.contains("items 1, 2, 3, 4") == true, "\(early.text)")

                // when she approves item 1 as written
                #expect(try await item("q1", ["review": "approved"], nil).isProblem(.preconditionRequired))
                let one = try await item("q1", ["review": "approved"], 1)
                #expect(one.status == .ok && review(one, "q1") == "approved" && one.json["version"] as? Int == 2, "\(one.text)")
                #expect(one.json["state"] as? String == "edited" && one.headers[.eTag] == "\"v2\"")

                // and rewrites item 2's stem and rationale: it becomes hers
                let edited = try await item("q2", ["stem": "（老师改写）哪一项是课文里说的？", "rationale": "老师写的解析。"], 2)
                #expect(review(edited, "q2") == "edited" && (edited.json["content"] as? String)?.contains("（老师改写）") == true, "\(edited.text)")
                // and bad changes are refused naming the field, on the version she read
                let twin = [["id": "A", "text": "甲"], ["id": "B", "text": "甲"], ["id": "C", "text": "丙"], ["id": "D", "text": "丁"]]
                let dup = try await item("q2", ["options": twin], 3)
                #expect(dup.isProblem(.validation) && dup.json["fields"] as? [String] == ["options"], "\(dup.text)")
                let both = try await item("q2", ["review": "removed", "stem": "改了又删的题目？"], 3)
                #expect(both.isProblem(.validation) && both.json["fields"] as? [String] == ["review"], "\(both.text)")
                #expect(try await item("q2", [:], 3).isProblem(.validation))
                #expect(try await item("q9", ["review": "approved"], 3).isProblem(.notFound))
                #expect(try await item("q3", ["review": "approved"], 2).isProblem(.preconditionFailed))
                #expect(try await T.send(client, p.student, .patch, "/v1/assistant/drafts/\(id)/items/q3", ["review": "approved"], ifMatch: "\"v3\"")
                    .isProblem(.notFound))

                // and removes item 3
                let removedStem = try #require(items[2]["stem"] as? String)
                let removed = try await item("q3", ["review": "removed"], 3)
                #expect(review(removed, "q3") == "removed" && (removed.json["content"] as? String)?.contains(removedStem) == false, "\(removed.text)")

                // then the quiz is still refused while item 4 is pending, naming only it
                let still = try await T.send(client, p.teacher, .post, "/v1/assistant/drafts/\(id)/approve", ifMatch: "\"v4\"")
                #expect(still.isProblem(.conflict) && (still.json["detail"] as? String)?.contains("item 4 (q4)") == true, "\(still.text)")
                _ = try await item("q4", ["review": "approved"], 4)
                let approved = try await T.send(client, p.teacher, .post, "/v1/assistant/drafts/\(id)/approve", ifMatch: "\"v5\"")
                #expect(approved.json["state"] as? String == "approved", "\(approved.text)")

                // and every decision is a version of its own, with what was done
                let versions = try await T.send(client, p.teacher, .get, "/v1/assistant/drafts/\(id)/versions")
                let notes = (versions.json["items"] as? [[String: Any]])?.map { $0["note"] as? String ?? "" } ?? []
                #expect(notes.dropFirst().elementsEqual(["item 1 (q1) approved", "item 2 (q2) edited", "item 3 (q3) removed", "item 4 (q4) approved", "approved"]),
                        "\(notes)")

                // when it is published and assigned, the student sees and is scored on the three kept items
                _ = try await T.send(client, p.teacher, .post, "/v1/assistant/drafts/\(id)/publish", ifMatch: "\"v6\"")
                let a = try await T.send(client, p.teacher, .post, "/v1/assignments",
                                         ["classId": p.classID.uuidString, "lessonSlug": T.lesson, "companionMode": "open", "quizId": id])
                let aid = try #require(a.json["id"] as? String, "\(a.text)")
                let view = try await T.send(client, p.student, .get, "/v1/assignments/\(aid)/quiz")
                #expect((view.json["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ["q1", "q2", "q4"], "\(view.text)")
                let answer = try await T.send(client, p.student, .post, "/v1/assignments/\(aid)/quiz/answers", ["answers": [["itemId": "q3", "choice": "A"]]])
                #expect(answer.isProblem(.validation), "\(answer.text)")
                let result = try await T.send(client, p.student, .post, "/v1/assignments/\(aid)/quiz/answers",
                                              ["answers": [["itemId": "q1", "choice": items[0]["key"] as? String ?? "A"]]])
                #expect(result.json["score"] as? Int == 1 && result.json["maxScore"] as? Int == 3, "\(result.text)")
            }
        }
    }
}
