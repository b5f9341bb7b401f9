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

/// DELETE /v1/students/{id}/data: on a guardian's request a school admin erases a pupil's data —
/// every kind of record is gone from the tables (not just from the API), the account cannot sign
/// in, the classmate keeps everything, the reports' rollups read as before, the audit trail gains
/// one event and still verifies; a failure midway leaves everything as it was.
@Suite struct StudentErasureTests {
    typealias T = AssistantDraftTests
    static let kinds = ["sessions", "messages", "flags", "consents", "usage", "attempts", "responses", "submissions", "feedback",
                        "memberships", "tokens", "storedAnswers"]

    @Test(arguments: TestDatabase.engines)
    func aSchoolAdminErasesAPupilsDataAndOnlyTheirs(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                // given a pupil with a record of every kind, and a classmate with the same
                let w = try await ErasureWorld.make(f, client)
                let before = try await ErasureWorld.holdings(of: w.pupil.id, in: f)
                for kind in Self.kinds { #expect(before[kind, default: 0] > 0, "the pupil has no \(kind) to erase: \(before)") }
                let classmate = try await ErasureWorld.holdings(of: w.classmate.id, in: f)
                let rollups = try await ErasureWorld.rollups(of: f.schoolA.id, in: f)
                #expect(rollups.contains { $0.hasPrefix(Rollups.literacy) }, "\(rollups)")

                // when the school admin erases the pupil's data on the guardian's request
                let answer = try await T.send(client, w.schoolAdmin, .delete, "/v1/students/\(w.pupil.id)/data?requestReference=GR-2026-017")

                // then the answer counts what went, kind by kind
                #expect(answer.status == .ok, "\(answer.text)")
                let records = answer.json["records"] as? [[String: Any]] ?? []
                func counted(_ kind: String) -> Int { records.first { $0["kind"] as? String == kind }?["count"] as? Int ?? -1 }
                #expect(counted("companionSessions") == before["sessions"] && counted("companionMessages") == before["messages"])
                #expect(counted("assessmentAttempts") == before["attempts"] && counted("assessmentResponses") == before["responses"])
                #expect(counted("quizSubmissions") == before["submissions"] && counted("feedbackDrafts") == before["feedback"])
                #expect(counted("guardianConsents") == 1 && counted("safetyFlags") == before["flags"] && counted("account") == 1)
                #expect(records.first { $0["kind"] as? String == "account" }?["action"] as? String == "anonymised")
                #expect(answer.json["requestReference"] as? String == "GR-2026-017")
                // and the tables hold none of it, while the classmate keeps all of theirs
                let after = try await ErasureWorld.holdings(of: w.pupil.id, in: f)
                #expect(after.values.allSatisfy { $0 == 0 }, "\(after)")
                #expect(try await ErasureWorld.holdings(of: w.classmate.id, in: f) == classmate)
                // and the account row names nobody and has no password
                let row = try #require(try await f.platform.database.sql.raw(
                    "SELECT username, display_name, birth_date, password_hash, erased_at FROM users WHERE id = \(bind: w.pupil.id)").first())
                #expect(try row.decode(column: "username", as: String.self) == "erased.\(w.pupil.id.uuidString.lowercased())")
                #expect(try row.decode(column: "display_name", as: String.self) == RegistryService.erasedDisplayName)
                #expect(try row.decodeNil(column: "birth_date") && row.decodeNil(column: "password_hash") && !row.decodeNil(column: "erased_at"))
                // and the reports' rollups read as before
                #expect(try await ErasureWorld.rollups(of: f.schoolA.id, in: f) == rollups)
                // and the pupil can neither use their token nor sign in again
                #expect(try await T.send(client, w.pupilToken, .get, "/v1/me").status == .unauthorized)
                let login = try JSONEncoder().encode(["username": w.pupil.username, "password": GatewayFixture.password])
                let signIn = try await client.execute(uri: "/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                      body: ByteBuffer(bytes: login)) { $0 }
                #expect(signIn.status == .unauthorized)
                // and the trail has one event naming who, whom and why, with the counts, and still verifies
                let events = try await f.platform.audit.records(limit: 100_000).filter { $0.event.action == "student.erase" }
                #expect(events.count == 1)
                #expect(events.first?.event.actorID == f.schoolAdminA.id && events.first?.event.targetID == w.pupil.id.uuidString)
                #expect(events.first?.event.detail?.contains("reference=GR-2026-017") == true)
                #expect(events.first?.event.detail?.contains("companionMessages=\(before["messages"]!)") == true, "\(events)")
                #expect(try await f.platform.audit.verify() == nil)
                // and a second request is told the data is gone; lists leave the pupil out
                let again = try await T.send(client, w.schoolAdmin, .delete, "/v1/students/\(w.pupil.id)/data?requestReference=GR-2026-017")
                #expect(again.isProblem(.gone), "\(again.text)")
                let listed = try await T.send(client, w.schoolAdmin, .get, "/v1/users?role=student&pageSize=500")
                let names = (listed.json["items"] as? [[String: Any]] ?? []).compactMap { $0["username"] as? String }
                #expect(names.contains(w.classmate.username) && !names.contains { $0.hasPrefix("erased.") }, "\(names)")
                // and the account, which has no password now, is given no activation code either
                let codes = try await T.send(client, w.schoolAdmin, .post, "/v1/schools/\(f.schoolA.id)/activation-codes", accept: "text/csv")
                #expect(codes.status == .ok && !codes.text.contains("erased."), "\(codes.text)")
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func onlyTheStudentsSchoolAdminsAndAdminsMayEraseAndTheRequestIsNamed(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                // given the pupil's teacher, a bureau user of the prefecture, another school's admin and the pupil
                let w = try await ErasureWorld.make(f, client)
                let r = f.platform.registry
                func token(_ name: String, _ role: Role, school: UUID? = nil, region: String? = nil) async throws -> String {
                    try await f.token(client, try await r.createUser(NewUser(username: name, role: role, schoolID: school, regionCode: region,
                                                                             password: GatewayFixture.password), actor: nil))
                }
                let bureau = try await token("erase.bureau", .bureau, region: "5203")
                let foreign = try await token("erase.admin.b", .schoolAdmin, school: f.schoolB.id)
                let uri = "/v1/students/\(w.pupil.id)/data?requestReference=GR-1"
                let before = try await ErasureWorld.holdings(of: w.pupil.id, in: f)

                // when each asks to erase, and the school admin asks without naming the request or with a blank one
                let teacher = try await T.send(client, w.teacher, .delete, uri)
                let analyst = try await T.send(client, bureau, .delete, uri)
                let pupil = try await T.send(client, w.pupilToken, .delete, uri)
                let otherSchool = try await T.send(client, foreign, .delete, uri)
                let unnamed = try await T.send(client, w.schoolAdmin, .delete, "/v1/students/\(w.pupil.id)/data")
                let blank = try await T.send(client, w.schoolAdmin, .delete, "/v1/students/\(w.pupil.id)/data?requestReference=%20%20")
                let teacherRecord = try await T.send(client, w.schoolAdmin, .delete, "/v1/students/\(f.teacherA.id)/data?requestReference=GR-1")

                // then the roles it is not for are refused, another school's admin finds no such student,
                // the request must be named, a teacher is no student — and nothing was erased
                #expect(teacher.isProblem(.forbidden) && analyst.isProblem(.forbidden) && pupil.isProblem(.forbidden))
                #expect(otherSchool.isProblem(.notFound), "\(otherSchool.text)")
                #expect(unnamed.status == .badRequest && blank.isProblem(.validation), "\(unnamed.text) \(blank.text)")
                #expect(teacherRecord.isProblem(.notFound), "\(teacherRecord.text)")
                #expect(try await ErasureWorld.holdings(of: w.pupil.id, in: f) == before)
                // and an admin of the province may
                let admin = try await T.send(client, try await f.token(client, f.admin), .delete, uri)
                #expect(admin.status == .ok, "\(admin.text)")
            }
        }
    }

    /// The erasure is one transaction: a step that fails after others have run leaves everything.
    /// The failure is the database's own — a trigger refusing to delete assessment attempts, the
    /// third module's step — so the code under test has no hook for it.
    @Test(arguments: TestDatabase.engines)
    func aFailureMidwayLeavesEverythingAsItWas(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                // given the pupil's records, and a database that refuses to delete an assessment attempt
                let w = try await ErasureWorld.make(f, client)
                let before = try await ErasureWorld.holdings(of: w.pupil.id, in: f)
                let trail = try await f.platform.audit.check()
                let sql = f.platform.database.sql
                if engine == .postgres {
                    try await sql.raw("CREATE FUNCTION refuse_attempt_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$").run()
                    try await sql.raw("CREATE TRIGGER refuse_attempt_delete BEFORE DELETE ON assessment_attempts FOR EACH ROW EXECUTE FUNCTION refuse_attempt_delete()").run()
                } else {
                    try await sql.raw("CREATE TRIGGER refuse_attempt_delete BEFORE DELETE ON assessment_attempts BEGIN SELECT RAISE(ABORT, 'refused by the test'); END").run()
                }

                // when the school admin asks to erase
                let failed = try await T.send(client, w.schoolAdmin, .delete, "/v1/students/\(w.pupil.id)/data?requestReference=GR-2")

                // then it fails, and the account, the companion's records and the rest are all still there
                #expect(failed.status == .internalServerError, "\(failed.text)")
                #expect(try await ErasureWorld.holdings(of: w.pupil.id, in: f) == before)
                #expect(try await f.platform.registry.user(w.pupil.id)?.username == w.pupil.username)
                #expect(try await T.send(client, w.pupilToken, .get, "/v1/me").status == .ok)
                let now = try await f.platform.audit.check()
                #expect(now.problem == nil && now.tip == trail.tip && now.events == trail.events)
                #expect(try await f.platform.audit.records(limit: 100_000).allSatisfy { $0.event.action != "student.erase" })
                // and once the database lets it, the same request erases
                try await sql.raw("DROP TRIGGER refuse_attempt_delete\(unsafeRaw: engine == .postgres ? " ON assessment_attempts" : "")").run()
                let erased = try await T.send(client, w.schoolAdmin, .delete, "/v1/students/\(w.pupil.id)/data?requestReference=GR-2")
                #expect(erased.status == .ok, "\(erased.text)")
                #expect(try await ErasureWorld.holdings(of: w.pupil.id, in: f).values.allSatisfy { $0 == 0 })
            }
        }
    }
}
