import Assessment
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Registry
import Testing
import TestSupport

/// The learning path: next lessons from the weakest cells, not yet done; the class grouped by need.
@Suite struct AssessmentRecommendationTests {
    func get(_ client: some TestClientProtocol, _ token: String, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: bearer(token)) { $0 }
    }

    @Test(arguments: TestDatabase.engines)
    func aStudentWeakInEthicsIsSentToEthicsLessonsNotYetDone(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let flow = AssessmentFlowTests()
                let c = try await AssessmentFormTests.juniorClass(f, client)
                let lessons = Dictionary(uniqueKeysWithValues: GatewayFixture.shippedCurriculum.lessons.map { ($0.slug, $0) })

                // before any result: the band's lessons in order, saying why
                let first = try await get(client, c.studentToken, "/v1/me/recommendations")
                #expect(first.status == .ok, "\(first.text)")
                let early = try #require(first.json["items"] as? [[String: Any]])
                #expect(!early.isEmpty && first.json["basedOnAttemptId"] == nil)
                #expect((early.first?["reason"] as? String)?.contains("还没有测评结果") == true)
                #expect(early.allSatisfy { lessons[$0["lessonSlug"] as! String]?.band == .junior })

                // given an adaptive test answered wrong on ethics items and right on the rest
                let started = try await flow.post(client, c.studentToken, "/v1/assessment/attempts", ["kind": "adaptive"])
                let id = try #require(started.json["id"] as? String)
                var state = started.json
                while state["status"] as? String == "inProgress", let item = state["item"] as? [String: Any] {
                    let r = try await flow.post(client, c.studentToken, "/v1/assessment/attempts/\(id)/responses",
                                                flow.answer(for: item["id"] as! String, correct: item["dimension"] as? String != "ET"))
                    state = r.json
                }

                // when the student asks for the next lessons
                let after = try await get(client, c.studentToken, "/v1/me/recommendations?limit=4")
                let needs = try #require(after.json["needs"] as? [[String: Any]])
                let items = try #require(after.json["items"] as? [[String: Any]])
                // then ethics leads, its lesson serves an ethics cell, and the reason names the dimension
                #expect(needs.first?["dimension"] as? String == "ET", "\(after.text)")
                #expect(after.json["basedOnAttemptId"] as? String == id)
                let top = try #require(items.first)
                let need = try #require(top["need"] as? [String: Any])
                #expect(need["dimension"] as? String == "ET")
                let topLesson = try #require(lessons[top["lessonSlug"] as! String])
                #expect(topLesson.competencies.contains { $0.hasPrefix("ET-") })
                #expect((top["reason"] as? String)?.contains("人工智能伦理") == true)
                #expect(items.count == 4 && Set(items.map { $0["lessonSlug"] as! String }).count == 4)
                #expect(try await get(client, c.studentToken, "/v1/me/recommendations?limit=0").isProblem(.validation))

                // when the student works on that lesson with the companion, it is no longer recommended
                let session = try await flow.post(client, c.studentToken, "/v1/companion/sessions", ["lessonSlug": topLesson.slug])
                #expect(session.status == .created, "\(session.text)")
                let sid = try #require(session.json["id"] as? String)
                var headers = bearer(c.studentToken)
                headers[.contentType] = "application/json"
                headers[.accept] = "application/json"
                let message = try await client.execute(uri: "/v1/companion/sessions/\(sid)/messages", method: .post, headers: headers,
                                                       body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["content": "数据会有偏见吗？"]))) { $0 }
                #expect(message.status == .ok, "\(message.text)")
                let later = try await get(client, c.studentToken, "/v1/me/recommendations?limit=4")
                #expect(!((later.json["items"] as? [[String: Any]]) ?? []).contains { $0["lessonSlug"] as? String == topLesson.slug })

                // and the teacher sees the class grouped by need; a classmate without a result is listed apart
                let classmate = try await f.platform.registry.createUser(NewUser(username: "student.later", role: .student, schoolID: f.schoolA.id,
                                                                                 password: GatewayFixture.password), actor: nil)
                try await f.platform.registry.addMember(classID: c.id, userID: classmate.id, role: .student)
                let grouped = try await get(client, c.teacherToken, "/v1/classes/\(c.id)/recommendations")
                let groups = try #require(grouped.json["groups"] as? [[String: Any]], "\(grouped.text)")
                #expect(groups.count == 1 && groups.first?["dimension"] as? String == "ET")
                #expect((groups.first?["students"] as? [[String: Any]])?.first?["studentId"] as? String == c.student.id.uuidString.lowercased())
                let groupLessons = try #require(groups.first?["lessons"] as? [[String: Any]])
                #expect(groupLessons.first { $0["lessonSlug"] as? String == topLesson.slug }?["notDoneBy"] as? Int ?? 0 == 0)
                #expect((grouped.json["notAssessed"] as? [[String: Any]])?.map { $0["studentId"] as? String } == [classmate.id.uuidString.lowercased()])
                // students and other schools' staff cannot read it
                #expect(try await get(client, c.studentToken, "/v1/classes/\(c.id)/recommendations").isProblem(.notFound))
                #expect(try await get(client, c.teacherToken, "/v1/me/recommendations").isProblem(.forbidden))
            }
        }
    }
}
