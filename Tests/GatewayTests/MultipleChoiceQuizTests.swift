import Foundation
import Hummingbird
import HummingbirdTesting
import Inference
import QianxueCore
import Testing
import TestSupport

/// Multiple-choice quiz items: asked for under the schema, checked, reviewed by the teacher,
/// answered by students with a set and scored all or nothing.
@Suite struct MultipleChoiceQuizTests {
    typealias T = AssistantDraftTests

    static let quiz = """
    {"items":[
     {"type":"single","stem":"好特征首先要满足哪一点？","options":["看得出","算得快","卖得贵","长得大"],"keys":["A"],
      "rationale":"课文说好特征要看得出。","competency":"TA-A"},
     {"type":"multiple","stem":"下面哪些是课文说的好特征的要求？","options":["看得出","算得快","分得开","卖得贵","长得大"],"keys":["A","C"],
      "rationale":"课文说好特征要看得出、分得开；其他几项课文没有说。","competency":"TA-A"}
    ]}
    """

    @Test(arguments: TestDatabase.engines)
    func aMultipleChoiceItemIsWrittenReviewedAndScoredAllOrNothing(engine: DatabaseEngine) async throws {
        // given a model that writes one single-choice and one multiple-choice item
        let endpoint = AssistantQuizTests.ScriptedEndpoint(replies: [Self.quiz])
        try await endpoint.serving(engine) { f in
            try await f.app().test(.router) { client in
                let p = try await T.class8(f, client)
                // when the teacher asks for a two-item quiz
                let r = try await T.send(client, p.teacher, .post, "/v1/assistant/drafts",
                                         ["kind": "quiz", "lessonSlug": T.lesson, "classId": p.classID.uuidString, "itemCount": 2])
                #expect(r.status == .created, "\(r.text)")
                let id = try #require(r.json["id"] as? String)

                // then the schema lets the model write either type, and the multiple item is stored with its keys
                let body = try #require(endpoint.bodies.withLock { $0.first })
                #expect(body.contains(#""enum":["single","multiple"]"#) && body.contains(#""keys""#), "\(body)")
                let items = try #require(r.json["items"] as? [[String: Any]])
                #expect(items.map { $0["type"] as? String } == ["single", "multiple"], "\(r.text)")
                #expect(items[1]["keys"] as? [String] == ["A", "C"] && items[1]["key"] == nil && items[0]["key"] as? String == "A")
                #expect((r.json["content"] as? String)?.contains("答案：A、C（多选，全部选对才得分）") == true, "\(r.text)")

                // and the teacher's edits are checked as the model's are: every option keyed is refused, naming keys
                let all = try await T.send(client, p.teacher, .patch, "/v1/assistant/drafts/\(id)/items/q2", ["keys": ["A", "B", "C", "D", "E"]],
                                           ifMatch: "\"v1\"")
                #expect(all.isProblem(.validation) && all.json["fields"] as? [String] == ["keys"], "\(all.text)")
                let five = try await T.send(client, p.teacher, .patch, "/v1/assistant/drafts/\(id)/items/q2", ["keys": ["C"]], ifMatch: "\"v1\"")
                #expect(five.isProblem(.validation) && (five.json["detail"] as? String)?.contains("5 options instead of 4") == true, "\(five.text)")
                _ = try await T.send(client, p.teacher, .patch, "/v1/assistant/drafts/\(id)/items/q1", ["review": "approved"], ifMatch: "\"v1\"")
                _ = try await T.send(client, p.teacher, .patch, "/v1/assistant/drafts/\(id)/items/q2", ["review": "approved"], ifMatch: "\"v2\"")
                _ = try await T.send(client, p.teacher, .post, "/v1/assistant/drafts/\(id)/approve", ifMatch: "\"v3\"")
                let published = try await T.send(client, p.teacher, .post, "/v1/assistant/drafts/\(id)/publish", ifMatch: "\"v4\"")
                #expect(published.json["state"] as? String == "published", "\(published.text)")
                let a = try await T.send(client, p.teacher, .post, "/v1/assignments",
                                         ["classId": p.classID.uuidString, "lessonSlug": T.lesson, "companionMode": "open", "quizId": id])
                let aid = try #require(a.json["id"] as? String, "\(a.text)")

                // when the student sees the quiz, the multiple item says so
                let view = try await T.send(client, p.student, .get, "/v1/assignments/\(aid)/quiz")
                #expect((view.json["items"] as? [[String: Any]])?.map { $0["type"] as? String } == ["single", "multiple"], "\(view.text)")
                // and answers that do not fit an item are refused naming the answers
                let twoForOne = try await T.send(client, p.student, .post, "/v1/assignments/\(aid)/quiz/answers",
                                                 ["answers": [["itemId": "q1", "choices": ["A", "B"]]]])
                #expect(twoForOne.isProblem(.validation) && twoForOne.json["fields"] as? [String] == ["answers"], "\(twoForOne.text)")
                let noSuch = try await T.send(client, p.student, .post, "/v1/assignments/\(aid)/quiz/answers",
                                              ["answers": [["itemId": "q2", "choices": ["A", "F"]]]])
                #expect(noSuch.isProblem(.validation) && (noSuch.json["detail"] as? String)?.contains("F") == true, "\(noSuch.text)")

                // when she answers the single item right and ticks only one of the two keys of the multiple one
                let result = try await T.send(client, p.student, .post, "/v1/assignments/\(aid)/quiz/answers",
                                              ["answers": [["itemId": "q1", "choice": "a"], ["itemId": "q2", "choices": ["A"]]]])

                // then the multiple item scores nothing (all or nothing) and the result shows every key
                #expect(result.json["score"] as? Int == 1 && result.json["maxScore"] as? Int == 2, "\(result.text)")
                let scored = try #require(result.json["items"] as? [[String: Any]])
                #expect(scored[1]["correct"] as? Bool == false && scored[1]["keys"] as? [String] == ["A", "C"] && scored[1]["choices"] as? [String] == ["A"])
                #expect(scored[0]["choice"] as? String == "A" && scored[0]["key"] as? String == "A" && scored[0]["correct"] as? Bool == true)
            }
        }
    }
}
