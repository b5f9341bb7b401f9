import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Persistence
import QianxueCore
import Registry
import SQLKit
import Testing
import TestSupport

/// A grade-8 class in which a pupil has left a record of every kind a guardian may ask to erase —
/// a consent, a companion session with messages and a safety flag, a teacher's feedback draft on
/// it, a quiz submission, a finished pre-test that the literacy rollup counts, a companion reply
/// stored under an `Idempotency-Key` — and a classmate with the same kinds, who must keep them.
struct ErasureWorld {
    typealias T = AssistantDraftTests

    let classID: UUID
    let pupil: UserRecord
    let classmate: UserRecord
    let pupilToken: String
    let teacher: String
    let schoolAdmin: String

    static func make(_ f: GatewayFixture, _ client: some TestClientProtocol) async throws -> ErasureWorld {
        let r = f.platform.registry
        let cls = try await r.createClass(schoolID: f.schoolA.id, grade: "8", name: "8-erase")
        func pupil(_ name: String, _ display: String) async throws -> UserRecord {
            let u = try await r.createUser(NewUser(username: name, displayName: display, role: .student, schoolID: f.schoolA.id,
                                                   birthDate: "2013-04-02", password: GatewayFixture.password), actor: nil)
            try await r.addMember(classID: cls.id, userID: u.id, role: .student)
            return u
        }
        try await r.addMember(classID: cls.id, userID: f.teacherA.id, role: .teacher)
        let erased = try await pupil("erase.pupil", "龙小雨"), kept = try await pupil("erase.classmate", "杨小山")
        let teacher = try await f.token(client, f.teacherA), admin = try await f.token(client, f.schoolAdminA)
        func ok(_ r: TestResponse, _ what: String) throws -> [String: Any] {
            guard (200..<300).contains(Int(r.status.code)) else { throw TestSetupError("\(what) answered \(r.status): \(r.text)") }
            return r.json
        }
        // a published quiz and an assignment that carries it
        let quiz = try ok(try await T.send(client, teacher, .post, "/v1/assistant/drafts",
                                           ["kind": "quiz", "lessonSlug": T.lesson, "classId": cls.id.uuidString, "itemCount": 2]), "a quiz")
        let quizID = try #require(quiz["id"] as? String)
        let items = (quiz["items"] as? [[String: Any]] ?? []).map { $0.merging(["review": "approved"]) { $1 } }
        _ = try ok(try await T.send(client, teacher, .patch, "/v1/assistant/drafts/\(quizID)", ["items": items], ifMatch: "\"v1\""), "reviewing")
        _ = try ok(try await T.send(client, teacher, .post, "/v1/assistant/drafts/\(quizID)/approve", ifMatch: "\"v2\""), "approving")
        _ = try ok(try await T.send(client, teacher, .post, "/v1/assistant/drafts/\(quizID)/publish", ifMatch: "\"v3\""), "publishing")
        let assignment = try #require(try ok(try await T.send(client, teacher, .post, "/v1/assignments",
                                                             ["classId": cls.id.uuidString, "lessonSlug": T.lesson, "companionMode": "open",
                                                              "quizId": quizID]), "an assignment")["id"] as? String)
        var pupilToken = ""
        for student in [erased, kept] {
            let token = try await f.token(client, student)
            if student == erased { pupilToken = token }
            _ = try ok(try await T.send(client, admin, .post, "/v1/students/\(student.id)/consent", ["note": "监护人同意书"]), "a consent")
            _ = try ok(try await T.send(client, token, .post, "/v1/assignments/\(assignment)/quiz/answers",
                                        ["answers": [["itemId": "q1", "choice": items.first?["key"] as? String ?? "A"]]]), "quiz answers")
            func session(_ words: String, key: String? = nil) async throws -> String {
                let id = try #require(try ok(try await T.send(client, token, .post, "/v1/companion/sessions", ["assignmentId": assignment]),
                                             "a session")["id"] as? String)
                var headers = bearer(token)
                headers[.contentType] = "application/json"
                if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
                let sent = try await client.execute(uri: "/v1/companion/sessions/\(id)/messages", method: .post, headers: headers,
                                                    body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["content": words]))) { $0 }
                _ = try ok(sent, "a message")
                return id
            }
            // a chat (its reply stored under a key) and the teacher's feedback on it
            let chat = try await session("我是\(student.displayName)，银饰的特征怎么选？", key: "erase-\(student.username)")
            _ = try ok(try await T.send(client, teacher, .post, "/v1/assistant/drafts",
                                        ["kind": "feedback", "lessonSlug": T.lesson, "sessionId": chat]), "a feedback draft")
            // the pupil's second chat raises a safety flag
            if student == erased { _ = try await session("我不想活了，活着没意思") }
            // a finished pre-test in an open window (the window once, for the class)
            if student == erased {
                let form = try #require(GatewayFixture.shippedForms.first { $0.band == .junior && $0.purpose == .pre })
                let now = Date(), iso = ISO8601DateFormatter()
                _ = try ok(try await T.send(client, teacher, .post, "/v1/classes/\(cls.id)/assessment-windows",
                                            ["kind": "form", "formId": form.id, "from": iso.string(from: now.addingTimeInterval(-60)),
                                             "until": iso.string(from: now.addingTimeInterval(86_400))]), "a window")
            }
            let started = try ok(try await T.send(client, token, .post, "/v1/assessment/attempts", ["kind": "form"]), "a test")
            _ = try await AssessmentFormTests.sitToTheEnd(client, token, started)
        }
        return ErasureWorld(classID: cls.id, pupil: erased, classmate: kept, pupilToken: pupilToken, teacher: teacher, schoolAdmin: admin)
    }

    /// How many rows of each kind a student has, read from the tables themselves.
    static func holdings(of student: UUID, in f: GatewayFixture) async throws -> [String: Int] {
        let sql = f.platform.database.sql
        func ids(_ table: String, _ column: String, _ value: UUID) async throws -> [UUID] {
            try await sql.select().column("id").from(table).where(SQLIdentifier(column), .equal, SQLBind(value)).all()
                .map { try $0.decode(column: "id", as: UUID.self) }
        }
        func count(_ table: String, _ column: String, _ values: [UUID]) async throws -> Int {
            var n = 0
            for v in values { n += try await ids(table, column, v).count }
            return n
        }
        let sessions = try await ids("companion_sessions", "student_id", student)
        let attempts = try await ids("assessment_attempts", "student_id", student)
        let submissions = try await ids("assistant_quiz_submissions", "student_id", student)
        let keys = try await sql.select().column("key").from("idempotency_keys")
            .where("scope", .equal, SQLBind("user:\(student.uuidString)")).all().count
        return [
            "sessions": sessions.count, "messages": try await count("companion_messages", "session_id", sessions),
            "flags": try await count("student_safety_flags", "student_id", [student]),
            "consents": try await count("guardian_consents", "student_id", [student]),
            "usage": try await count("companion_usage", "student_id", [student]),
            "attempts": attempts.count, "responses": try await count("assessment_responses", "attempt_id", attempts),
            "submissions": submissions.count, "feedback": try await count("assistant_drafts", "subject_id", sessions + submissions),
            "memberships": try await count("memberships", "user_id", [student]),
            "tokens": try await count("auth_tokens", "user_id", [student]),
            "storedAnswers": keys,
        ]
    }

    /// The school's report rollups, row by row: what the regional reports read.
    static func rollups(of school: UUID, in f: GatewayFixture) async throws -> [String] {
        var rows: [String] = []
        for table in Rollups.tables where table != Rollups.teacherWeekSeen {
            let found = try await f.platform.database.sql.raw("SELECT * FROM \(ident: table) WHERE school_id = \(bind: school)").all()
            for row in found {
                let cells = try row.allColumns.sorted().filter { $0 != "school_id" }.map { c in
                    "\(c)=" + ((try? row.decode(column: c, as: String.self)) ?? (try? row.decode(column: c, as: Int.self)).map(String.init) ?? "?")
                }
                rows.append("\(table): " + cells.joined(separator: " "))
            }
        }
        return rows.sorted()
    }
}
