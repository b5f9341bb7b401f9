import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inference
import NIOCore
import QianxueCore
import Synchronization
import Testing
import TestSupport

/// Quizzes: generated under a JSON schema, validated before storing, asked for again once when
/// invalid, written from the lesson when the offline provider answers; approved item by item.
@Suite struct AssistantQuizTests {
    /// An endpoint that answers with scripted texts in turn (the last one repeated) and records the requests.
    final class ScriptedEndpoint: Sendable {
        let bodies = Mutex<[String]>([])
        let replies: [String]

        init(replies: [String]) { self.replies = replies }

        func router() -> Router<BasicRequestContext> {
            let r = Router()
            r.post("v1/chat/completions") { request, _ in
                let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
                let n = self.bodies.withLock { $0.append(body); return $0.count }
                let reply = self.replies[min(n, self.replies.count) - 1]
                let events = GullibleEndpoint.pieces(of: reply).map { GullibleEndpoint.event(["choices": [["index": 0, "delta": ["content": $0]] as [String: Any]]]) }
                    + [GullibleEndpoint.event(["choices": [["index": 0, "delta": [String: String](), "finish_reason": "stop"] as [String: Any]]]), "data: [DONE]\n\n"]
                return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .init(byteBuffer: ByteBuffer(string: events.joined())))
            }
            return r
        }
    }

    static func quizJSON(stems: [String]) -> String {
        let items = stems.map { stem -> [String: Any] in
            ["stem": stem, "options": ["看得出", "分得开", "说得清", "算得快"], "key": "D",
             "rationale": "课文说好特征要看得出、分得开、说得清，没有说要算得快。", "competency": "TA-A"]
        }
        return String(decoding: try! JSONSerialization.data(withJSONObject: ["items": items]), as: UTF8.self)
    }

    @Test func anInvalidQuizIsAskedForAgainOnceAndTheValidOneStoredUnderTheSchema() async throws {
        // given a model whose first answer is in English (invalid) and whose second is valid
        let invalid = Self.quizJSON(stems: ["Which is not a good feature?", "Which one?"])
        let valid = Self.quizJSON(stems: ["下面哪一项不是课文说的好特征？", "设计分类器时，哪一项不是好特征的要求？"])
        let endpoint = ScriptedEndpoint(replies: [invalid, valid])
        let upstream = Application(router: endpoint.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await upstream.testLive { model in
            try await GatewayFixture.with(.sqlite, configure: { c in
                c.inference = try? InferenceEndpoint(baseURL: "http://127.0.0.1:\(model.port!)/v1", model: "scripted", apiKey: nil)
            }) { f in
                try await f.app().test(.router) { client in
                    let p = try await AssistantDraftTests.class8(f, client)
                    // when the teacher asks for a two-item quiz as JSON
                    let r = try await AssistantDraftTests.send(client, p.teacher, .post, "/v1/assistant/drafts",
                                                               ["kind": "quiz", "lessonSlug": AssistantDraftTests.lesson,
                                                                "classId": p.classID.uuidString, "itemCount": 2])
                    // then the model was asked twice, each time under the quiz's JSON schema
                    #expect(r.status == .created, "\(r.text)")
                    let bodies = endpoint.bodies.withLock { $0 }
                    #expect(bodies.count == 2)
                    for body in bodies {
                        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
                        let format = try #require(json["response_format"] as? [String: Any])
                        #expect(format["type"] as? String == "json_schema")
                        let schema = (format["json_schema"] as? [String: Any])?["schema"] as? [String: Any]
                        let items = (schema?["properties"] as? [String: Any])?["items"] as? [String: Any]
                        #expect(items?["minItems"] as? Int == 2 && items?["maxItems"] as? Int == 2, "\(body)")
                    }
                    // and the second, valid answer is what was stored, labelled with the model
                    #expect(r.json["provider"] as? String == "openai-compatible" && r.json["model"] as? String == "scripted", "\(r.text)")
                    let items = try #require(r.json["items"] as? [[String: Any]])
                    #expect(items.map { $0["stem"] as? String } == ["下面哪一项不是课文说的好特征？", "设计分类器时，哪一项不是好特征的要求？"])
                    #expect(items.allSatisfy { $0["key"] as? String == "D" && $0["approved"] as? Bool == false && $0["bands"] as? [String] == ["junior"] })
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func theOfflineQuizComesFromTheLessonAndIsApprovedItemByItem(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let p = try await AssistantDraftTests.class8(f, client)
                // when the teacher asks for eight items with no endpoint configured
                let r = try await AssistantDraftTests.send(client, p.teacher, .post, "/v1/assistant/drafts",
                                                           ["kind": "quiz", "lessonSlug": AssistantDraftTests.lesson, "classId": p.classID.uuidString,
                                                            "itemCount": 8])
                #expect(r.status == .created, "\(r.text)")
                #expect(r.json["provider"] as? String == "offline")
                let items = try #require(r.json["items"] as? [[String: Any]])
                // then every item is a valid single-choice item whose key is one of four different options,
                // or a multiple-choice one with two of them as keys
                #expect(items.count == 8)
                for item in items {
                    let options = try #require(item["options"] as? [[String: Any]])
                    #expect(options.map { $0["id"] as? String } == ["A", "B", "C", "D"])
                    #expect(Set(options.compactMap { $0["text"] as? String }).count == 4)
                    if item["type"] as? String == "multiple" {
                        let keys = try #require(item["keys"] as? [String])
                        #expect(keys.count == 2 && Set(keys).isSubset(of: ["A", "B", "C", "D"]))
                    } else {
                        #expect(["A", "B", "C", "D"].contains(item["key"] as? String ?? ""))
                    }
                    #expect((item["stem"] as? String)?.contains("《") == true)
                }
                #expect(items.contains { $0["type"] as? String == "multiple" }, "the offline quiz mixes in multiple choice")
                // and its rationale quotes the lesson, whose text holds the key
                let lesson = try #require(GatewayFixture.shippedCurriculum.lessons.first { $0.slug == AssistantDraftTests.lesson })
                let body = lesson.sections.map(\.text).joined().replacingOccurrences(of: "**", with: "")
                let keyed = items.filter { ($0["rationale"] as? String)?.hasPrefix("课文原句") == true }
                #expect(!keyed.isEmpty)
                for item in keyed {
                    let key = try #require((item["options"] as? [[String: Any]])?.first { $0["id"] as? String == item["key"] as? String }?["text"] as? String)
                    #expect(body.contains(key))
                }

                // and the draft is approved only once every item is
                let id = try #require(r.json["id"] as? String)
                let early = try await AssistantDraftTests.send(client, p.teacher, .post, "/v1/assistant/drafts/\(id)/approve", ifMatch: "\"v1\"")
                #expect(early.isProblem(.conflict) && (early.json["detail"] as? String)?.contains("q1") == true, "\(early.text)")
                var approvedItems = items
                for i in approvedItems.indices { approvedItems[i]["approved"] = true }
                approvedItems[0]["stem"] = "（老师改过）" + (items[0]["stem"] as? String ?? "")
                let edited = try await AssistantDraftTests.send(client, p.teacher, .patch, "/v1/assistant/drafts/\(id)", ["items": approvedItems],
                                                                ifMatch: "\"v1\"")
                #expect(edited.status == .ok, "\(edited.text)")
                #expect((edited.json["content"] as? String)?.contains("（老师改过）") == true)
                let approved = try await AssistantDraftTests.send(client, p.teacher, .post, "/v1/assistant/drafts/\(id)/approve", ifMatch: "\"v2\"")
                #expect(approved.json["state"] as? String == "approved", "\(approved.text)")

                // and an edited item with a key that is not an option is refused, naming it
                var broken = approvedItems
                broken[1]["options"] = [["id": "A", "text": "甲"], ["id": "B", "text": "甲"], ["id": "C", "text": "丙"], ["id": "D", "text": "丁"]]
                let refused = try await AssistantDraftTests.send(client, p.teacher, .patch, "/v1/assistant/drafts/\(id)", ["items": broken],
                                                                 ifMatch: "\"v3\"")
                #expect(refused.isProblem(.validation) && (refused.json["detail"] as? String)?.contains("item 2") == true, "\(refused.text)")
            }
        }
    }
}

extension AssistantQuizTests.ScriptedEndpoint {
    /// Runs `body` against a gateway whose inference endpoint is this one, served on loopback.
    func serving(_ engine: DatabaseEngine = .sqlite, test: String = #function, _ body: @escaping @Sendable (GatewayFixture) async throws -> Void) async throws {
        let upstream = Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await upstream.testLive { model in
            try await GatewayFixture.with(engine, test: test, configure: { c in
                c.inference = try? InferenceEndpoint(baseURL: "http://127.0.0.1:\(model.port!)/v1", model: "scripted", apiKey: nil)
            }, body)
        }
    }
}
