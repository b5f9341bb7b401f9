import Foundation
import Hummingbird
import HummingbirdTesting
import Inference
import Testing
import TestSupport

/// The teacher asks the AI assistant how a written answer meets its rubric: a suggestion with
/// reasons, checked against the rubric, never recorded as the score.
@Suite struct AssessmentSuggestionTests {
    /// A finished junior pre-test with written answers waiting; the first waiting answer's id.
    static func pendingAnswer(_ f: GatewayFixture, _ client: some TestClientProtocol) async throws -> (AssessmentFormTests.JuniorClass, String) {
        let c = try await AssessmentFormTests.juniorClass(f, client)
        let form = try #require(GatewayFixture.shippedForms.first { $0.band == .junior && $0.purpose == .pre })
        #expect(try await AssessmentFormTests.openWindow(client, c, formId: form.id).status == .created)
        let started = try await AssessmentFlowTests().post(client, c.studentToken, "/v1/assessment/attempts", ["kind": "form"])
        _ = try await AssessmentFormTests.sitToTheEnd(client, c.studentToken, started.json)
        let pending = try await client.execute(uri: "/v1/classes/\(c.id)/written-responses", method: .get, headers: bearer(c.teacherToken)) { $0 }
        let first = try #require((pending.json["items"] as? [[String: Any]])?.first, "\(pending.text)")
        return (c, try #require(first["id"] as? String))
    }

    @Test func aValidSuggestionComesBackAdvisoryAndTheAnswerStaysUnscored() async throws {
        // given a model whose first answer is out of the rubric's range and whose second is valid
        let endpoint = AssistantQuizTests.ScriptedEndpoint(replies: [#"{"points": 99, "rationale": "满分"}"#,
                                                                     #"{"points": 1, "rationale": "说出了一个想法，但没有举例说明。"}"#])
        try await GatewayFixture.over(endpoint: endpoint.router(), model: "scripted") { f in
            try await f.app().test(.router) { client in
                let (c, id) = try await Self.pendingAnswer(f, client)
                // when the teacher asks for a suggestion
                let r = try await AssessmentFlowTests().post(client, c.teacherToken, "/v1/assessment/responses/\(id)/suggestion", [:])
                // then the second (valid) answer is the suggestion, marked advisory, with the model named
                #expect(r.status == .ok, "\(r.text)")
                #expect(r.json["suggestedPoints"] as? Int == 1 && r.json["advisory"] as? Bool == true)
                #expect(r.json["model"] as? String == "scripted" && (r.json["rationale"] as? String)?.contains("举例") == true)
                // the model was asked twice under the schema, with the rubric and the student's words
                let bodies = endpoint.bodies.withLock { $0 }
                #expect(bodies.count == 2)
                #expect(bodies.allSatisfy { $0.contains("\"json_schema\"") && $0.contains("评分标准") && $0.contains("我的想法") })
                // and the answer still waits for the teacher's score
                let pending = try await client.execute(uri: "/v1/classes/\(c.id)/written-responses", method: .get, headers: bearer(c.teacherToken)) { $0 }
                let same = (pending.json["items"] as? [[String: Any]])?.first { $0["id"] as? String == id }
                #expect(same != nil && same?["points"] == nil)
                // students and unknown answers are refused
                #expect(try await AssessmentFlowTests().post(client, c.studentToken, "/v1/assessment/responses/\(id)/suggestion", [:])
                    .isProblem(.forbidden))
                #expect(try await AssessmentFlowTests().post(client, c.teacherToken, "/v1/assessment/responses/\(UUID())/suggestion", [:])
                    .isProblem(.notFound))
            }
        }
    }

    @Test func withoutAModelThereIsNoSuggestion() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().test(.router) { client in
                let (c, id) = try await Self.pendingAnswer(f, client)
                let r = try await AssessmentFlowTests().post(client, c.teacherToken, "/v1/assessment/responses/\(id)/suggestion", [:])
                #expect(r.isProblem(.inferenceUnavailable), "\(r.text)")
                #expect((r.json["detail"] as? String)?.contains("rubric") == true)
            }
        }
    }
}
