import Assessment
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Registry
import Testing
import TestSupport

/// A class sits a term's pre-test form over HTTP, opened as a window by its teacher.
@Suite struct AssessmentFormTests {
    /// A junior class of school A with its teacher and one new student, signed in.
    struct JuniorClass {
        let id: UUID
        let student: UserRecord
        let studentToken: String
        let teacherToken: String
    }

    static func juniorClass(_ f: GatewayFixture, _ client: some TestClientProtocol, username: String = "student.form",
                            displayName: String? = nil) async throws -> JuniorClass {
        let r = f.platform.registry
        let cls = try await r.createClass(schoolID: f.schoolA.id, grade: "8", name: "8-\(username.count)")
        let s = try await r.createUser(NewUser(username: username, displayName: displayName, role: .student, schoolID: f.schoolA.id, birthDate: "2012-05-05",
                                               password: GatewayFixture.password), actor: nil)
        try await r.addMember(classID: cls.id, userID: f.teacherA.id, role: .teacher)
        try await r.addMember(classID: cls.id, userID: s.id, role: .student)
        return JuniorClass(id: cls.id, student: s, studentToken: try await f.token(client, s), teacherToken: try await f.token(client, f.teacherA))
    }

    static func openWindow(_ client: some TestClientProtocol, _ c: JuniorClass, formId: String) async throws -> TestResponse {
        let now = Date(), iso = ISO8601DateFormatter()
        return try await AssessmentFlowTests().post(client, c.teacherToken, "/v1/classes/\(c.id)/assessment-windows",
                                                    ["kind": "form", "formId": formId, "from": iso.string(from: now.addingTimeInterval(-60)),
                                                     "until": iso.string(from: now.addingTimeInterval(86_400))])
    }

    /// Answers every item of a started form attempt, the keyed ones right, and returns the last state.
    static func sitToTheEnd(_ client: some TestClientProtocol, _ token: String, _ started: [String: Any]) async throws -> [String: Any] {
        let flow = AssessmentFlowTests()
        let id = try #require(started["id"] as? String)
        var state = started
        while state["status"] as? String == "inProgress", let item = (state["item"] as? [String: Any])?["id"] as? String {
            let r = try await flow.post(client, token, "/v1/assessment/attempts/\(id)/responses", flow.answer(for: item, correct: true))
            #expect(r.status == .ok, "\(r.text)")
            guard r.status == .ok else { break }
            state = r.json
        }
        return state
    }

    @Test(arguments: TestDatabase.engines)
    func aClassSitsThePreTestOfItsWindowInTheFormsOrder(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let flow = AssessmentFlowTests()
                let c = try await Self.juniorClass(f, client)
                // given the list of forms, which names no item
                let list = try await client.execute(uri: "/v1/assessment/forms?band=junior", method: .get, headers: bearer(c.studentToken)) { $0 }
                let forms = try #require(list.json["items"] as? [[String: Any]])
                let pre = try #require(forms.first { $0["purpose"] as? String == "pre" })
                let formId = try #require(pre["id"] as? String)
                let form = try #require(GatewayFixture.shippedForms.first { $0.id == formId })
                #expect(!list.text.contains(form.itemIDs[0]))
                #expect(try await client.execute(uri: "/v1/assessment/forms?term=autumn", method: .get, headers: bearer(c.studentToken)) { $0 }
                    .isProblem(.validation))

                // a window for a form of another band or an unknown form is refused
                let primary = try #require(GatewayFixture.shippedForms.first { $0.band == .primaryLower })
                #expect(try await Self.openWindow(client, c, formId: primary.id).isProblem(.validation))
                #expect(try await Self.openWindow(client, c, formId: "no-such-form").isProblem(.validation))
                #expect(try await flow.post(client, c.studentToken, "/v1/assessment/attempts", ["kind": "form"]).isProblem(.validation))
                #expect(try await Self.openWindow(client, c, formId: formId).status == .created)

                // when the student starts a form without naming it, the window's form is given, item by item in its order
                #expect(try await flow.post(client, c.studentToken, "/v1/assessment/attempts", ["kind": "form", "formId": primary.id]).isProblem(.validation))
                let started = try await flow.post(client, c.studentToken, "/v1/assessment/attempts", ["kind": "form"])
                #expect(started.status == .created, "\(started.text)")
                #expect(started.json["formId"] as? String == formId && started.json["maxItems"] as? Int == form.itemIDs.count)
                #expect((started.json["item"] as? [String: Any])?["id"] as? String == form.itemIDs[0])
                let id = try #require(started.json["id"] as? String)
                // an answer to the second item before the first is refused
                #expect(try await flow.post(client, c.studentToken, "/v1/assessment/attempts/\(id)/responses",
                                            flow.answer(for: form.itemIDs[1], correct: true)).isProblem(.validation))
                let done = try await Self.sitToTheEnd(client, c.studentToken, started.json)

                // then the result counts the keyed items and waits for the teacher on the written ones
                #expect(done["status"] as? String == "finished")
                let result = try #require(done["result"] as? [String: Any])
                let written = form.itemIDs.filter { GatewayFixture.shippedItemBank.item(id: $0)?.type == .constructed }.count
                #expect(result["kind"] as? String == "form" && result["formId"] as? String == formId)
                #expect(result["items"] as? Int == form.itemIDs.count - written)
                #expect(result["pendingTeacherScores"] as? Int == written && written > 0)
                // the window counts the student, and the same form cannot be sat twice
                let windows = try await client.execute(uri: "/v1/classes/\(c.id)/assessment-windows", method: .get, headers: bearer(c.teacherToken)) { $0 }
                let window = try #require((windows.json["items"] as? [[String: Any]])?.first)
                #expect(window["formId"] as? String == formId && window["participation"] as? Double == 1)
                #expect(try await flow.post(client, c.studentToken, "/v1/assessment/attempts", ["kind": "form"]).isProblem(.conflict))
                // an adaptive test is still open to the student
                #expect(try await flow.post(client, c.studentToken, "/v1/assessment/attempts", ["kind": "adaptive"]).status == .created)
            }
        }
    }
}
