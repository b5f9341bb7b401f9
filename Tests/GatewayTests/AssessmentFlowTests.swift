import Assessment
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Registry
import Testing
import TestSupport

/// A student sits the adaptive AI-literacy test over HTTP; bad answers leave the attempt unchanged.
@Suite struct AssessmentFlowTests {
    func post(_ client: some TestClientProtocol, _ token: String, _ uri: String, _ body: [String: Any]) async throws -> TestResponse {
        var headers = bearer(token)
        headers[.contentType] = "application/json"
        return try await client.execute(uri: uri, method: .post, headers: headers,
                                        body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))) { $0 }
    }

    /// The keyed answer for a shown item, looked up on the server side of the test (as the key never reaches the client).
    func answer(for itemID: String, correct: Bool) -> [String: Any] {
        let item = GatewayFixture.shippedItemBank.item(id: itemID)!
        switch item.key {
        case .choice(let k):
            return ["itemId": itemID, "choice": correct ? k : item.options.first { $0.id != k }!.id]
        case .choices(let ks):
            return ["itemId": itemID, "choices": correct ? Array(ks) : [item.options.first { !ks.contains($0.id) }!.id]]
        case .order(let o):
            return ["itemId": itemID, "order": correct ? o : Array(o.reversed())]
        case .rubric:
            return ["itemId": itemID, "text": "我的想法"]
        }
    }

    /// A grade-8 class of teacher A with a new student in it and an adaptive-test window open for a
    /// day: the student, the class, and the student's and the teacher's tokens.
    func classSittingTheTest(_ f: GatewayFixture, _ client: some TestClientProtocol, student username: String,
                             className: String) async throws -> (UserRecord, ClassRecord, String, String) {
        let r = f.platform.registry
        let cls = try await r.createClass(schoolID: f.schoolA.id, grade: "8", name: className)
        let s = try await r.createUser(NewUser(username: username, role: .student, schoolID: f.schoolA.id, birthDate: "2012-05-05",
                                               password: GatewayFixture.password), actor: nil)
        try await r.addMember(classID: cls.id, userID: f.teacherA.id, role: .teacher)
        try await r.addMember(classID: cls.id, userID: s.id, role: .student)
        let token = try await f.token(client, s)
        let teacher = try await f.token(client, f.teacherA)
        let now = Date()
        let iso = ISO8601DateFormatter()
        let window = try await post(client, teacher, "/v1/classes/\(cls.id)/assessment-windows",
                                    ["kind": "adaptive", "from": iso.string(from: now.addingTimeInterval(-60)),
                                     "until": iso.string(from: now.addingTimeInterval(86_400))])
        #expect(window.status == .created, "\(window.text)")
        return (s, cls, token, teacher)
    }

    @Test(arguments: TestDatabase.engines)
    func aStudentSitsAnAdaptiveTestToTheEndAndSeesNoKeys(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let (s, cls, token, teacher) = try await classSittingTheTest(f, client, student: "student.test", className: "8-5")

                // when the student starts, the first item comes without a key; starting again resumes it
                let started = try await post(client, token, "/v1/assessment/attempts", ["kind": "adaptive"])
                #expect(started.status == .created, "\(started.text)")
                let id = try #require(started.json["id"] as? String)
                #expect(!started.text.contains("\"key\"") && !started.text.contains("\"irt\"") && !started.text.contains("difficulty"))
                let resumed = try await post(client, token, "/v1/assessment/attempts", ["kind": "adaptive"])
                #expect(resumed.status == .ok && resumed.json["id"] as? String == id)

                // the companion is locked while the attempt is in progress
                let locked = try await post(client, token, "/v1/companion/sessions", ["lessonSlug": "jr-ai-and-jobs"])
                #expect(locked.isProblem(.examLocked), "\(locked.text)")

                // bad answers: another item, the wrong type, another student — refused, nothing changes
                var item = try #require((started.json["item"] as? [String: Any])?["id"] as? String)
                #expect(try await post(client, token, "/v1/assessment/attempts/\(id)/responses", ["itemId": "ta-u-999", "choice": "A"]).isProblem(.validation))
                #expect(try await post(client, token, "/v1/assessment/attempts/\(id)/responses", ["itemId": item]).isProblem(.validation))
                let other = try await f.token(client, f.studentA)
                #expect(try await post(client, other, "/v1/assessment/attempts/\(id)/responses", answer(for: item, correct: true)).isProblem(.notFound))

                // answering right and wrong in turn until the test stops
                var state: [String: Any] = [:]
                for n in 0..<30 {
                    let r = try await post(client, token, "/v1/assessment/attempts/\(id)/responses", answer(for: item, correct: n % 2 == 0))
                    #expect(r.status == .ok, "\(r.text)")
                    // a second answer to the same item is refused
                    #expect(try await post(client, token, "/v1/assessment/attempts/\(id)/responses", answer(for: item, correct: true)).isProblem(.conflict))
                    state = r.json
                    guard state["status"] as? String == "inProgress" else { break }
                    item = try #require((state["item"] as? [String: Any])?["id"] as? String)
                }

                // then the result has an overall ability and four dimensions with levels
                #expect(state["status"] as? String == "finished")
                let result = try #require(state["result"] as? [String: Any])
                #expect((result["se"] as? Double ?? 9) < 1)
                #expect((result["dimensions"] as? [[String: Any]])?.count == 4)
                #expect(try await post(client, token, "/v1/assessment/attempts/\(id)/responses", answer(for: item, correct: true)).isProblem(.conflict))

                // the teacher sees it in the class summary and the window's participation
                let summary = try await client.execute(uri: "/v1/classes/\(cls.id)/literacy", method: .get, headers: bearer(teacher)) { $0 }
                #expect(summary.json["assessed"] as? Int == 1 && summary.json["enrolled"] as? Int == 1, "\(summary.text)")
                let windows = try await client.execute(uri: "/v1/classes/\(cls.id)/assessment-windows", method: .get, headers: bearer(teacher)) { $0 }
                #expect((windows.json["items"] as? [[String: Any]])?.first?["participation"] as? Double == 1)
                let history = try await client.execute(uri: "/v1/students/\(s.id)/literacy", method: .get, headers: bearer(token)) { $0 }
                #expect((history.json["items"] as? [[String: Any]])?.count == 1)
                #expect(try await client.execute(uri: "/v1/students/\(s.id)/literacy", method: .get, headers: bearer(other)) { $0 }.isProblem(.notFound))
            }
        }
    }
}
