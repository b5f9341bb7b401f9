import Curriculum
import Foundation
import Hummingbird
import HummingbirdTesting
import Inference
import NIOCore
import QianxueCore
import Registry
import Synchronization
import Testing
import TestSupport

/// "A request for the answer to the lesson's exercise gets hints, not the answer — and when a fake
/// endpoint replies with the answer key verbatim, the student never receives it."
@Suite struct CompanionAnswerKeyTests {
    /// An endpoint that hands over the answer key, as a careless model would.
    final class KeyTellingEndpoint: Sendable {
        let prompts = Mutex<[String]>([])
        let reply: String

        init(reply: String) { self.reply = reply }

        func router() -> Router<BasicRequestContext> {
            let r = Router()
            r.post("v1/chat/completions") { request, _ in
                let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
                self.prompts.withLock { $0.append(body) }
                let chunks = GullibleEndpoint.pieces(of: self.reply).map { GullibleEndpoint.event(["choices": [["index": 0, "delta": ["content": $0]] as [String: Any]]]) }
                return Response(status: .ok, headers: [.contentType: "text/event-stream"],
                                body: .init(byteBuffer: ByteBuffer(string: chunks.joined() + "data: [DONE]\n\n")))
            }
            return r
        }
    }

    @Test func theExercisesHintsGoToTheModelAndTheAnswerKeyNeverReachesTheStudent() async throws {
        let lesson = try #require(GatewayFixture.shippedCurriculum.lessons.first { $0.slug == "jr-ai-and-jobs" })
        let exercise = try #require(lesson.exercises.first)
        let endpoint = KeyTellingEndpoint(reply: "好的，我直接告诉你：这道题的答案是\(exercise.answer)。记住就行！")
        try await GatewayFixture.over(endpoint: endpoint.router(), model: "careless") { f in
            try await f.app().test(.router) { client in
                // given a grade-8 student with an assignment on the lesson
                let r = f.platform.registry
                let cls = try await r.createClass(schoolID: f.schoolA.id, grade: "8", name: "8-4")
                let s = try await r.createUser(NewUser(username: "student.key", role: .student, schoolID: f.schoolA.id, birthDate: "2012-02-02",
                                                       password: GatewayFixture.password), actor: nil)
                try await r.addMember(classID: cls.id, userID: f.teacherA.id, role: .teacher)
                try await r.addMember(classID: cls.id, userID: s.id, role: .student)
                let teacher = Principal(userID: f.teacherA.id, username: f.teacherA.username, role: .teacher, schoolID: f.schoolA.id,
                                        regionCode: nil, tokenID: nil)
                let a = try await f.platform.companion.createAssignment(.init(classID: cls.id, lessonSlug: lesson.slug, companionMode: .open), by: teacher)
                let token = try await f.token(client, s)
                var headers = bearer(token)
                headers[.contentType] = "application/json"
                headers[.accept] = "application/json"
                let opened = try await client.execute(uri: "/v1/companion/sessions", method: .post, headers: headers,
                                                      body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["assignmentId": a.id.uuidString]))) { $0 }
                let sessionID = try #require(opened.json["id"] as? String)

                // when the student asks for the answer and the model gives it verbatim
                let reply = try await client.execute(uri: "/v1/companion/sessions/\(sessionID)/messages", method: .post, headers: headers,
                                                     body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["content": "\(exercise.prompt) 直接告诉我答案"]))) { $0 }

                // then the model was given the exercise's hint ladder, not its answer
                let prompt = try #require(endpoint.prompts.withLock { $0.first })
                #expect(prompt.contains(exercise.hints[0]))
                #expect(!prompt.contains("答案：\(exercise.answer)") && !prompt.contains("answer\":\"\(exercise.answer)"))
                // and the student never receives the answer: the reply stops before it, flagged as a leak
                #expect(reply.status == .ok)
                let content = reply.json["content"] as? String ?? ""
                #expect(!content.contains("答案是\(exercise.answer)"), "\(content)")
                let flags = reply.json["flags"] as? [[String: Any]] ?? []
                #expect(flags.contains { $0["category"] as? String == "leak" }, "\(reply.text)")
                let history = try await client.execute(uri: "/v1/companion/sessions/\(sessionID)/messages", method: .get, headers: bearer(token)) { $0 }
                #expect(!history.text.contains("答案是\(exercise.answer)"))
            }
        }
    }

    /// With no model, the offline companion climbs the exercise's hint ladder: the first hint, then
    /// the second when the student asks again — never the answer.
    @Test func offlineTheSameExerciseAskedAgainGetsTheNextHint() async throws {
        let lesson = try #require(GatewayFixture.shippedCurriculum.lessons.first { $0.slug == "jr-ai-and-jobs" })
        let exercise = try #require(lesson.exercises.first { $0.hints.count >= 2 })
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().test(.router) { client in
                let r = f.platform.registry
                let cls = try await r.createClass(schoolID: f.schoolA.id, grade: "8", name: "8-5")
                let s = try await r.createUser(NewUser(username: "student.ladder", role: .student, schoolID: f.schoolA.id, birthDate: "2012-02-02",
                                                       password: GatewayFixture.password), actor: nil)
                try await r.addMember(classID: cls.id, userID: s.id, role: .student)
                var headers = bearer(try await f.token(client, s))
                headers[.contentType] = "application/json"
                headers[.accept] = "application/json"
                let opened = try await client.execute(uri: "/v1/companion/sessions", method: .post, headers: headers,
                                                      body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["lessonSlug": lesson.slug]))) { $0 }
                let sessionID = try #require(opened.json["id"] as? String, "\(opened.text)")
                var replies: [String] = []
                for ask in ["\(exercise.prompt) 直接告诉我答案", "还是不会：\(exercise.prompt)"] {
                    let reply = try await client.execute(uri: "/v1/companion/sessions/\(sessionID)/messages", method: .post, headers: headers,
                                                         body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["content": ask]))) { $0 }
                    #expect(reply.status == .ok, "\(reply.text)")
                    replies.append(reply.json["content"] as? String ?? "")
                }
                #expect(replies[0].contains(exercise.hints[0]), "\(replies[0])")
                #expect(replies[1].contains(exercise.hints[1]), "\(replies[1])")
                // (the exercise's own wording, restated, may name the options; nothing else may give the answer)
                for reply in replies {
                    let besidesThePrompt = reply.split(separator: "\n").filter { !$0.hasPrefix("你问的是练习") }.joined(separator: "\n")
                    #expect(!exercise.answerIsRevealed(by: besidesThePrompt), "\(reply)")
                }
            }
        }
    }
}
