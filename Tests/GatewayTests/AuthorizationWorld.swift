import Foundation
import HTTPTypes
import HummingbirdTesting
import QianxueCore
import Registry
import TestSupport

/// The seeded world the authorization matrix calls into: two schools in two prefectures (遵义 and
/// 贵阳), each with a class, a teacher, a pupil of 14, a school admin and a record of each kind the
/// contract names — an assignment with a published quiz, a companion session, a safety flag, a quiz
/// draft, a finished fixed-form test with a written answer. The callers belong to the first school
/// (the bureau user to its prefecture), so that its records are their own and the other's foreign.
struct AuthorizationWorld {
    /// One school's records, as the matrix puts them into paths, queries and bodies.
    struct Tenant {
        let school: UUID
        let classID: UUID
        let student: UserRecord
        let prefecture: String
        let county: String
        var assignment = "", session = "", flag = "", draft = "", attempt = "", writtenResponse = "", enrollment = ""
    }

    static let lesson = "jr-miao-silver-features"

    let fixture: GatewayFixture
    let own: Tenant
    let foreign: Tenant
    let tokens: [MatrixCaller: String]
    let users: [MatrixCaller: UserRecord]
    let pdUnit: String

    func tenant(_ t: MatrixTenant) -> Tenant { t == .own ? own : foreign }

    static func make(_ f: GatewayFixture, _ client: some TestClientProtocol) async throws -> AuthorizationWorld {
        let r = f.platform.registry
        func user(_ name: String, _ role: Role, school: UUID? = nil, region: String? = nil, born: String? = nil) async throws -> UserRecord {
            try await r.createUser(NewUser(username: name, role: role, schoolID: school, regionCode: region, birthDate: born,
                                           password: GatewayFixture.password), actor: nil)
        }
        let adminToken = try await f.token(client, f.admin)
        var own = try await seed(f, client, school: f.schoolA, teacher: f.teacherA, tag: "a", adminToken: adminToken)
        let teacherB = try await user("matrix.teacher.b", .teacher, school: f.schoolB.id)
        _ = try await user("matrix.schooladmin.b", .schoolAdmin, school: f.schoolB.id)
        let foreign = try await seed(f, client, school: f.schoolB, teacher: teacherB, tag: "b", adminToken: adminToken)
        let bureau = try await user("matrix.bureau.zunyi", .bureau, region: own.prefecture)
        let users: [MatrixCaller: UserRecord] = [.student: own.student, .teacher: f.teacherA, .schoolAdmin: f.schoolAdminA,
                                                  .bureau: bureau, .admin: f.admin]
        var tokens: [MatrixCaller: String] = [:]
        for (caller, u) in users { tokens[caller] = try await f.token(client, u) }
        own.enrollment = try await enrollment(client, adminToken, own)
        var foreignWithEnrollment = foreign
        foreignWithEnrollment.enrollment = try await enrollment(client, adminToken, foreign)
        return AuthorizationWorld(fixture: f, own: own, foreign: foreignWithEnrollment, tokens: tokens, users: users,
                                  pdUnit: f.platform.curriculum.pdUnits[0].slug)
    }

    /// A class of grade 8 with its teacher and a pupil, and one of each record, made over HTTP by
    /// the school's own people as they would make them.
    private static func seed(_ f: GatewayFixture, _ client: some TestClientProtocol, school record: SchoolRecord, teacher: UserRecord, tag: String,
                             adminToken: String) async throws -> Tenant {
        let r = f.platform.registry, school = record.id
        let cls = try await r.createClass(schoolID: school, grade: "8", name: "8-\(tag)")
        let student = try await r.createUser(NewUser(username: "matrix.student.\(tag)", role: .student, schoolID: school, birthDate: "2012-03-01",
                                                     password: GatewayFixture.password), actor: nil)
        try await r.addMember(classID: cls.id, userID: teacher.id, role: .teacher)
        try await r.addMember(classID: cls.id, userID: student.id, role: .student)
        var t = Tenant(school: school, classID: cls.id, student: student, prefecture: String(record.countyCode.rawValue.prefix(4)),
                       county: record.countyCode.rawValue)
        let teach = try await f.token(client, teacher), pupil = try await f.token(client, student)
        func call(_ token: String, _ method: HTTPRequest.Method, _ uri: String, _ body: [String: Any]? = nil,
                  ifMatch: String? = nil) async throws -> [String: Any] {
            let r = try await AssistantDraftTests.send(client, token, method, uri, body, ifMatch: ifMatch)
            guard (200..<300).contains(Int(r.status.code)) else { throw TestSetupError("seeding \(method) \(uri) answered \(r.status): \(r.text)") }
            return r.json
        }
        func id(_ json: [String: Any]) throws -> String {
            guard let id = json["id"] as? String else { throw TestSetupError("no id in \(json)") }
            return id
        }
        _ = try await call(adminToken, .put, "/v1/schools/\(school)/pilot", ["cohort": 2026, "status": "pilot"])
        // a published quiz, and an assignment of the lesson that carries it
        let quiz = try await call(teach, .post, "/v1/assistant/drafts",
                                  ["kind": "quiz", "lessonSlug": lesson, "classId": cls.id.uuidString, "itemCount": 2])
        let quizID = try id(quiz)
        let items = (quiz["items"] as? [[String: Any]] ?? []).map { $0.merging(["approved": true]) { _, b in b } }
        _ = try await call(teach, .patch, "/v1/assistant/drafts/\(quizID)", ["items": items], ifMatch: "\"v1\"")
        _ = try await call(teach, .post, "/v1/assistant/drafts/\(quizID)/approve", ifMatch: "\"v2\"")
        _ = try await call(teach, .post, "/v1/assistant/drafts/\(quizID)/publish", ifMatch: "\"v3\"")
        t.assignment = try id(try await call(teach, .post, "/v1/assignments", ["classId": cls.id.uuidString, "lessonSlug": lesson,
                                                                                 "companionMode": "open", "quizId": quizID]))
        // a draft still in review
        t.draft = try id(try await call(teach, .post, "/v1/assistant/drafts",
                                        ["kind": "quiz", "lessonSlug": lesson, "classId": cls.id.uuidString, "itemCount": 2]))
        // the pupil's session on the assignment, and a safety flag raised in it
        t.session = try id(try await call(pupil, .post, "/v1/companion/sessions", ["assignmentId": t.assignment]))
        _ = try await call(pupil, .post, "/v1/companion/sessions/\(t.session)/messages", ["content": "我不想活了"])
        guard let flag = (try await call(teach, .get, "/v1/safety/flags")["items"] as? [[String: Any]])?.first else {
            throw TestSetupError("no safety flag was raised")
        }
        t.flag = try id(flag)
        // a finished fixed-form test in an open window, with written answers waiting for a score
        guard let form = GatewayFixture.shippedForms.first(where: { $0.band == .junior && $0.purpose == .pre }) else {
            throw TestSetupError("no junior pre-test form")
        }
        let now = Date(), iso = ISO8601DateFormatter()
        _ = try await call(teach, .post, "/v1/classes/\(cls.id)/assessment-windows",
                           ["kind": "form", "formId": form.id, "from": iso.string(from: now.addingTimeInterval(-60)),
                            "until": iso.string(from: now.addingTimeInterval(86_400))])
        let started = try await call(pupil, .post, "/v1/assessment/attempts", ["kind": "form"])
        t.attempt = try id(started)
        _ = try await AssessmentFormTests.sitToTheEnd(client, pupil, started)
        guard let written = (try await call(teach, .get, "/v1/classes/\(cls.id)/written-responses")["items"] as? [[String: Any]])?.first else {
            throw TestSetupError("no written answer waits for a score")
        }
        t.writtenResponse = try id(written)
        return t
    }

    /// The OneRoster sourcedId of the pupil's enrolment in the class.
    private static func enrollment(_ client: some TestClientProtocol, _ adminToken: String, _ t: Tenant) async throws -> String {
        let r = try await AssistantDraftTests.send(client, adminToken, .get, "/ims/oneroster/rostering/v1p2/enrollments")
        let rows = r.json["enrollments"] as? [[String: Any]] ?? []
        func ref(_ row: [String: Any], _ key: String) -> String? { (row[key] as? [String: Any])?["sourcedId"] as? String }
        guard let row = rows.first(where: { ref($0, "user") == t.student.id.lowercasedString && ref($0, "class") == t.classID.lowercasedString }),
              let id = row["sourcedId"] as? String else { throw TestSetupError("no OneRoster enrollment of \(t.student.username)") }
        return id
    }
}
