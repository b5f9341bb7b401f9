import Assessment
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Registry
import Testing
import TestSupport

/// The teacher scores a form's written answers against their rubrics, and the result takes the scores in.
@Suite struct AssessmentScoringTests {
    func put(_ client: some TestClientProtocol, _ token: String, _ uri: String, _ body: [String: Any]) async throws -> TestResponse {
        var headers = bearer(token)
        headers[.contentType] = "application/json"
        return try await client.execute(uri: uri, method: .put, headers: headers,
                                        body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))) { $0 }
    }

    @Test(arguments: TestDatabase.engines)
    func teacherScoresWrittenAnswersAndTheResultFollows(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                // given a student who finished the junior pre-test, keyed items right, written answers waiting
                let c = try await AssessmentFormTests.juniorClass(f, client)
                let form = try #require(GatewayFixture.shippedForms.first { $0.band == .junior && $0.purpose == .pre })
                #expect(try await AssessmentFormTests.openWindow(client, c, formId: form.id).status == .created)
                let started = try await AssessmentFlowTests().post(client, c.studentToken, "/v1/assessment/attempts", ["kind": "form"])
                let done = try await AssessmentFormTests.sitToTheEnd(client, c.studentToken, started.json)
                let before = try #require(done["result"] as? [String: Any])
                let written = try #require(before["pendingTeacherScores"] as? Int)

                // when the teacher lists what waits for a score, each comes with its rubric and the student's text
                let pending = try await client.execute(uri: "/v1/classes/\(c.id)/written-responses", method: .get, headers: bearer(c.teacherToken)) { $0 }
                let items = try #require(pending.json["items"] as? [[String: Any]], "\(pending.text)")
                #expect(items.count == written)
                let first = try #require(items.first)
                let rubric = try #require(first["rubric"] as? [String: Any])
                let max = try #require(rubric["maxPoints"] as? Int)
                #expect(first["text"] as? String == "我的想法" && first["points"] == nil)
                let id = try #require(first["id"] as? String)

                // bad scores are refused: out of the rubric's range, by a student, for an unknown answer
                #expect(try await put(client, c.teacherToken, "/v1/assessment/responses/\(id)/score", ["points": max + 1]).isProblem(.validation))
                #expect(try await put(client, c.studentToken, "/v1/assessment/responses/\(id)/score", ["points": 0]).isProblem(.forbidden))
                #expect(try await put(client, c.teacherToken, "/v1/assessment/responses/\(UUID())/score", ["points": 0]).isProblem(.notFound))
                let otherTeacher = try await f.platform.registry.createUser(
                    NewUser(username: "teacher.b", role: .teacher, schoolID: f.schoolB.id, password: GatewayFixture.password), actor: nil)
                #expect(try await put(client, try await f.token(client, otherTeacher), "/v1/assessment/responses/\(id)/score", ["points": 0])
                    .isProblem(.notFound))

                // full marks on every written answer
                for item in items {
                    let r = try await put(client, c.teacherToken, "/v1/assessment/responses/\(item["id"] as! String)/score",
                                          ["points": (item["rubric"] as! [String: Any])["maxPoints"] as! Int])
                    #expect(r.status == .ok && r.json["points"] != nil, "\(r.text)")
                }

                // then nothing waits, and the student's result counts the written answers and rises
                let left = try await client.execute(uri: "/v1/classes/\(c.id)/written-responses", method: .get, headers: bearer(c.teacherToken)) { $0 }
                #expect((left.json["items"] as? [[String: Any]])?.isEmpty == true)
                let all = try await client.execute(uri: "/v1/classes/\(c.id)/written-responses?status=all", method: .get, headers: bearer(c.teacherToken)) { $0 }
                #expect((all.json["items"] as? [[String: Any]])?.count == written)
                let history = try await client.execute(uri: "/v1/students/\(c.student.id)/literacy", method: .get, headers: bearer(c.studentToken)) { $0 }
                let after = try #require((history.json["items"] as? [[String: Any]])?.first)
                #expect(after["pendingTeacherScores"] as? Int == 0)
                #expect(after["items"] as? Int == (before["items"] as? Int ?? 0) + written)
                #expect((after["theta"] as? Double ?? -9) > (before["theta"] as? Double ?? 9))

                // and a lower score later replaces the first one
                let lowered = try await put(client, c.teacherToken, "/v1/assessment/responses/\(id)/score", ["points": 0])
                #expect(lowered.json["points"] as? Int == 0)
                let again = try await client.execute(uri: "/v1/students/\(c.student.id)/literacy", method: .get, headers: bearer(c.studentToken)) { $0 }
                let rescored = try #require((again.json["items"] as? [[String: Any]])?.first)
                #expect((rescored["theta"] as? Double ?? 9) < (after["theta"] as? Double ?? -9))
            }
        }
    }
}
