import Foundation
import HTTPTypes
import HummingbirdTesting
import QianxueCore
import Registry
import Testing
import TestSupport

/// A draft made for a class belongs to the class's teachers: they read it and its versions and
/// edit it under If-Match; only its author or the school's admin approves and publishes it.
@Suite struct CoTeacherDraftTests {
    typealias T = AssistantDraftTests

    @Test(arguments: TestDatabase.engines)
    func theClassesOtherTeachersReadAndEditADraftButOnlyTheAuthorOrTheSchoolDecides(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                // given class 8-3 with its author teacher and a co-teacher, and a teacher of the same school outside it
                let p = try await T.class8(f, client)
                let r = f.platform.registry
                let co = try await r.createUser(NewUser(username: "teacher.co", displayName: "王老师", role: .teacher, schoolID: f.schoolA.id,
                                                        password: GatewayFixture.password), actor: nil)
                let outside = try await r.createUser(NewUser(username: "teacher.out", role: .teacher, schoolID: f.schoolA.id,
                                                             password: GatewayFixture.password), actor: nil)
                try await r.addMember(classID: p.classID, userID: co.id, role: .teacher)
                let coToken = try await f.token(client, co), outsideToken = try await f.token(client, outside)
                let admin = try await f.token(client, f.schoolAdminA)
                let made = try await T.send(client, p.teacher, .post, "/v1/assistant/drafts",
                                            ["kind": "lessonPlan", "lessonSlug": T.lesson, "classId": p.classID.uuidString])
                let id = try #require(made.json["id"] as? String, "\(made.text)")
                let mine = try await T.send(client, p.teacher, .post, "/v1/assistant/drafts", ["kind": "lessonPlan", "lessonSlug": T.lesson])
                let unclassed = try #require(mine.json["id"] as? String)

                // then the co-teacher reads it, its versions and finds it in her list; the class-less draft stays the author's
                #expect(try await T.send(client, coToken, .get, "/v1/assistant/drafts/\(id)").status == .ok)
                #expect(try await T.send(client, coToken, .get, "/v1/assistant/drafts/\(id)/versions").status == .ok)
                let listed = try await T.send(client, coToken, .get, "/v1/assistant/drafts")
                #expect((listed.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id], "\(listed.text)")
                #expect(try await T.send(client, coToken, .get, "/v1/assistant/drafts/\(unclassed)").isProblem(.notFound))
                // and a teacher outside the class sees nothing of it
                #expect(try await T.send(client, outsideToken, .get, "/v1/assistant/drafts/\(id)").isProblem(.notFound))
                #expect((try await T.send(client, outsideToken, .get, "/v1/assistant/drafts").json["items"] as? [[String: Any]])?.isEmpty == true)

                // when the co-teacher edits it on the version she read, the version is hers
                #expect(try await T.send(client, coToken, .patch, "/v1/assistant/drafts/\(id)", ["content": "# 教案\n王老师改过。"]).isProblem(.preconditionRequired))
                let edited = try await T.send(client, coToken, .patch, "/v1/assistant/drafts/\(id)", ["content": "# 教案\n王老师改过。"], ifMatch: "\"v1\"")
                #expect(edited.status == .ok && edited.json["version"] as? Int == 2, "\(edited.text)")
                let versions = try await T.send(client, p.teacher, .get, "/v1/assistant/drafts/\(id)/versions")
                #expect((versions.json["items"] as? [[String: Any]])?.last?["authorId"] as? String == co.id.uuidString.lowercased(), "\(versions.text)")

                // then she may not approve or publish it; the school's admin may not edit it, but approves it; the author publishes
                let refused = try await T.send(client, coToken, .post, "/v1/assistant/drafts/\(id)/approve", ifMatch: "\"v2\"")
                #expect(refused.isProblem(.forbidden) && (refused.json["detail"] as? String)?.contains("you may edit it") == true, "\(refused.text)")
                #expect(try await T.send(client, admin, .patch, "/v1/assistant/drafts/\(id)", ["content": "校长改的"], ifMatch: "\"v2\"").isProblem(.forbidden))
                let approved = try await T.send(client, admin, .post, "/v1/assistant/drafts/\(id)/approve", ifMatch: "\"v2\"")
                #expect(approved.json["state"] as? String == "approved" && approved.json["approvedBy"] as? String == f.schoolAdminA.id.uuidString.lowercased(),
                        "\(approved.text)")
                #expect(try await T.send(client, coToken, .post, "/v1/assistant/drafts/\(id)/publish", ifMatch: "\"v3\"").isProblem(.forbidden))
                let published = try await T.send(client, p.teacher, .post, "/v1/assistant/drafts/\(id)/publish", ifMatch: "\"v3\"")
                #expect(published.json["state"] as? String == "published", "\(published.text)")
            }
        }
    }
}
