import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import QianxueCore
import Registry
import SQLKit
import Synchronization
import Testing
import TestSupport

@Suite struct CompanionConsentAndAlertTests {
    func csv(_ client: some TestClientProtocol, _ token: String, school: UUID, _ text: String) async throws -> TestResponse {
        var headers = bearer(token)
        headers[.contentType] = "text/csv"
        return try await client.execute(uri: "/v1/schools/\(school)/consents", method: .post, headers: headers, body: ByteBuffer(string: text)) { $0 }
    }

    @Test(arguments: TestDatabase.engines)
    func schoolAdminsImportConsentsFromACSVAllOrNothing(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let r = f.platform.registry
                let young = try await r.createUser(NewUser(username: "young.one", role: .student, schoolID: f.schoolA.id, birthDate: "2016-09-01",
                                                           password: GatewayFixture.password), actor: nil)
                let admin = try await f.token(client, f.schoolAdminA)

                // a file with a bad row (another school's student, an unknown name) is refused whole, naming each line
                let bad = try await csv(client, admin, school: f.schoolA.id, "username,note\nyoung.one,表 001\nstudent.b,表 002\nnobody,表 003\n")
                #expect(bad.isProblem(.validation), "\(bad.text)")
                let issues = bad.json["issues"] as? [[String: Any]] ?? []
                #expect(issues.compactMap { $0["line"] as? Int } == [3, 4], "\(bad.text)")
                #expect(try await f.platform.companion.consent(of: young.id) == nil, "nothing was recorded")

                // a good file (with a byte-order mark, by username and by id) records each student once
                let good = try await csv(client, admin, school: f.schoolA.id,
                                         "\u{FEFF}username,studentId,note\nyoung.one,,表 001\n,\(f.studentA.id),表 004\nyoung.one,,表 001\n")
                #expect(good.status == .ok, "\(good.text)")
                #expect(good.json["recorded"] as? Int == 2 && good.json["alreadyRecorded"] as? Int == 0 && good.json["rows"] as? Int == 3)
                #expect(try await f.platform.companion.consent(of: young.id)?.note == "表 001")
                let again = try await csv(client, admin, school: f.schoolA.id, "username\nyoung.one\n")
                #expect(again.json["alreadyRecorded"] as? Int == 1 && again.json["recorded"] as? Int == 0)

                // teachers and other schools' admins cannot; a file without a student column is named
                #expect(try await csv(client, try await f.token(client, f.teacherA), school: f.schoolA.id, "username\nyoung.one\n").isProblem(.forbidden))
                #expect(try await csv(client, admin, school: f.schoolB.id, "username\nstudent.b\n").isProblem(.notFound))
                #expect(try await csv(client, admin, school: f.schoolA.id, "name\nyoung.one\n").isProblem(.validation))
            }
        }
    }

    /// A receiver that fails the first delivery and takes the second, recording what it was sent.
    final class AlertReceiver: Sendable {
        let bodies = Mutex<[String]>([])

        func router() -> Router<BasicRequestContext> {
            let r = Router()
            r.post("alerts") { request, _ in
                let body = String(buffer: try await request.body.collect(upTo: 1 << 16))
                let n = self.bodies.withLock { $0.append(body); return $0.count }
                return Response(status: n == 1 ? .serviceUnavailable : .noContent)
            }
            return r
        }
    }

    @Test func aSevereFlagIsPostedToTheAlertWebhookRetriedAndWithoutTheStudentsWords() async throws {
        let receiver = AlertReceiver()
        let app = Application(router: receiver.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.testLive { hook in
            try await GatewayFixture.with(.sqlite, configure: { c in
                c.alertWebhook = URL(string: "http://127.0.0.1:\(hook.port!)/alerts")
            }) { f in
                try await f.app().test(.router) { client in
                    // given a student of 14 in a session
                    let r = f.platform.registry
                    let s = try await r.createUser(NewUser(username: "student.alert", role: .student, schoolID: f.schoolA.id, grade: "8",
                                                           birthDate: "2012-01-01", password: GatewayFixture.password), actor: nil)
                    var headers = bearer(try await f.token(client, s))
                    headers[.contentType] = "application/json"
                    headers[.accept] = "application/json"
                    let opened = try await client.execute(uri: "/v1/companion/sessions", method: .post, headers: headers,
                                                          body: ByteBuffer(string: #"{"lessonSlug":"jr-ai-and-jobs"}"#)) { $0 }
                    let id = try #require(opened.json["id"] as? String)

                    // when the student writes something severe
                    let words = "我不想活了，今晚就想结束一切"
                    _ = try await client.execute(uri: "/v1/companion/sessions/\(id)/messages", method: .post, headers: headers,
                                                 body: ByteBuffer(string: "{\"content\":\"\(words)\"}")) { $0 }

                    // then the webhook is told (after one failed attempt, retried) — the flag, never the words or the name
                    for _ in 0..<300 where receiver.bodies.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(100)) }
                    let bodies = receiver.bodies.withLock { $0 }
                    #expect(bodies.count == 2, "\(bodies)")
                    let alert = try #require(bodies.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
                    #expect(alert["category"] as? String == "selfHarm" && alert["severity"] as? String == "high")
                    #expect(alert["studentId"] as? String == s.id.uuidString.lowercased())
                    #expect(!bodies.joined().contains("不想活") && !bodies.joined().contains("student.alert"))
                    // and both attempts are counted on the flag (waited for: the database closes when the test ends)
                    var attempts = 0
                    for _ in 0..<300 where attempts < 2 {   // up to 30 s (a loaded run stalls tasks)
                        attempts = try await f.platform.database.sql.raw("SELECT alert_attempts FROM student_safety_flags")
                            .first(decodingColumn: "alert_attempts", as: Int.self) ?? 0
                        if attempts < 2 { try await Task.sleep(for: .milliseconds(100)) }
                    }
                    #expect(attempts == 2)
                }
            }
        }
    }

    @Test func aSchoolsRulesOnlyTightenAndTakeEffectAtOnce() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().test(.router) { client in
                let s = try await f.platform.registry.createUser(NewUser(username: "student.rules", role: .student, schoolID: f.schoolA.id, grade: "8",
                                                                         birthDate: "2012-01-01", password: GatewayFixture.password), actor: nil)
                let admin = try await f.token(client, f.schoolAdminA)
                func put(_ json: String) async throws -> TestResponse {
                    var headers = bearer(admin)
                    headers[.contentType] = "application/json"
                    return try await client.execute(uri: "/v1/schools/\(f.schoolA.id)/companion-rules", method: .put, headers: headers,
                                                    body: ByteBuffer(string: json)) { $0 }
                }
                func open() async throws -> TestResponse {
                    var headers = bearer(try await f.token(client, s))
                    headers[.contentType] = "application/json"
                    return try await client.execute(uri: "/v1/companion/sessions", method: .post, headers: headers,
                                                    body: ByteBuffer(string: #"{"lessonSlug":"jr-ai-and-jobs"}"#)) { $0 }
                }

                // a tighter daily limit holds at once
                #expect(try await put(#"{"dailyMinutesUnder16":25,"openChatAloneJunior":false}"#).status == .ok)
                let opened = try await open()
                #expect(opened.json["minutesLeftToday"] as? Int == 25 && opened.json["mode"] as? String == "guided", "\(opened.text)")
                let rules = try await client.execute(uri: "/v1/schools/\(f.schoolA.id)/companion-rules", method: .get,
                                                     headers: bearer(try await f.token(client, f.teacherA))) { $0 }
                #expect(rules.json["dailyMinutesUnder16"] as? Int == 25)

                // a looser one is refused, naming the field, and the stored rules stay
                let looser = try await put(#"{"dailyMinutesUnder16":60}"#)
                #expect(looser.isProblem(.validation), "\(looser.text)")
                #expect(looser.text.contains("dailyMinutesUnder16"))

                // one minute a day: a message uses it (a message keeps five minutes active), and the next
                // answers 429 with Retry-After until midnight
                #expect(try await put(#"{"dailyMinutesUnder16":1}"#).status == .ok)
                let session = try #require(try await open().json["id"] as? String)
                var headers = bearer(try await f.token(client, s))
                headers[.contentType] = "application/json"
                headers[.accept] = "application/json"
                func send() async throws -> TestResponse {
                    try await client.execute(uri: "/v1/companion/sessions/\(session)/messages", method: .post, headers: headers,
                                             body: ByteBuffer(string: #"{"content":"什么是任务？"}"#)) { $0 }
                }
                #expect(try await send().status == .ok)
                let spent = try await send()
                #expect(spent.isProblem(.usageLimitReached), "\(spent.text)")
                #expect(Int(spent.headers[.retryAfter] ?? "") ?? 0 > 0)

                // switched off: no sessions
                #expect(try await put(#"{"companionEnabled":false}"#).status == .ok)
                #expect(try await open().isProblem(.forbidden))
                #expect(try await put(#"{"companionEnabled":true}"#).isProblem(.validation) == false)
            }
        }
    }
}
