import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Persistence
import QianxueCore
import Registry
import Testing
import TestSupport

/// Each kind of event the design says is audited — staff access to a student's data, report pulls,
/// role (class membership) and consent changes, logins that succeed, fail or are throttled — done
/// over HTTP, then found in the trail with its actor, and the chain still intact.
@Suite struct AuditCoverageTests {
    typealias T = AssistantDraftTests

    @Test(arguments: TestDatabase.engines)
    func everyAuditedKindOfRequestLeavesItsEvent(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                // given
                let r = f.platform.registry
                let cls = try await r.createClass(schoolID: f.schoolA.id, grade: "8", name: "8-9")
                try await r.addMember(classID: cls.id, userID: f.teacherA.id, role: .teacher)
                let teacher = try await f.token(client, f.teacherA)
                let schoolAdmin = try await f.token(client, f.schoolAdminA)
                let admin = try await f.token(client, f.admin)
                let assignment = try await T.send(client, teacher, .post, "/v1/assignments",
                                                  ["classId": cls.id.uuidString, "lessonSlug": "jr-ai-and-jobs", "companionMode": "open"])
                let assignmentID = try #require(assignment.json["id"] as? String, "\(assignment.text)")

                // when each kind of request is made
                let requests: [(String, String, HTTPRequest.Method, String, [String: Any]?)] = [
                    ("student.read", teacher, .get, "/v1/users/\(f.studentA.id)", nil),
                    ("class.member.add", schoolAdmin, .post, "/v1/classes/\(cls.id)/members", ["userId": f.studentA.id.uuidString, "role": "student"]),
                    ("student.list", schoolAdmin, .get, "/v1/classes/\(cls.id)/students", nil),
                    ("student.list", schoolAdmin, .get, "/v1/users?role=student", nil),
                    ("assignment.progress.read", teacher, .get, "/v1/assignments/\(assignmentID)/progress", nil),
                    ("safety-flags.list", teacher, .get, "/v1/safety/flags", nil),
                    ("literacy.class.read", teacher, .get, "/v1/classes/\(cls.id)/literacy", nil),
                    ("xapi.statements.read", schoolAdmin, .get, "/v1/xapi/statements", nil),
                    ("oneroster.users.read", schoolAdmin, .get, "/ims/oneroster/rostering/v1p2/users", nil),
                    ("oneroster.enrollments.read", schoolAdmin, .get, "/ims/oneroster/rostering/v1p2/enrollments", nil),
                    ("report.pull", admin, .get, "/v1/reports/literacy?region=52&period=2026-2027-1", nil),
                    ("consent.record", schoolAdmin, .post, "/v1/students/\(f.studentA.id)/consent", ["note": "家长同意书"]),
                    ("consent.withdraw", schoolAdmin, .delete, "/v1/students/\(f.studentA.id)/consent", nil),
                ]
                for (action, token, method, uri, body) in requests {
                    let answer = try await T.send(client, token, method, uri, body)
                    #expect((200..<300).contains(Int(answer.status.code)), "\(action): \(uri) answered \(answer.status) \(answer.text)")
                }
                // and a wrong password until the account is throttled
                var throttled = false
                for _ in 0..<10 where !throttled {
                    let body = try JSONEncoder().encode(["username": f.studentB.username, "password": "not-the-password"])
                    let answer = try await client.execute(uri: "/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                          body: ByteBuffer(bytes: body)) { $0 }
                    throttled = answer.status == .tooManyRequests
                }
                #expect(throttled)

                // then each is in the trail, by its actor
                let events = try await f.platform.audit.records(limit: 10_000).map(\.event)
                for (action, token, _, uri, _) in requests {
                    let actor = token == teacher ? f.teacherA.id : token == admin ? f.admin.id : f.schoolAdminA.id
                    #expect(events.contains { $0.action == action && $0.actorID == actor && $0.requestID != nil }, "no \(action) event for \(uri)")
                }
                for login in [f.teacherA, f.schoolAdminA, f.admin] {
                    #expect(events.contains { $0.action == "auth.login" && $0.actorID == login.id })
                }
                #expect(events.contains { $0.action == "auth.login_failed" && $0.actorID == f.studentB.id })
                let typed = "sha256:" + Digest.sha256Hex(f.studentB.username).prefix(16)
                #expect(events.contains { $0.action == "auth.login_throttled" && $0.targetID == typed })
                #expect(!events.contains { $0.targetID == f.studentB.username || ($0.detail ?? "").contains(f.studentB.username) },
                        "a sign-in's typed username is kept only as a digest")
                #expect(try await f.platform.audit.verify() == nil)
            }
        }
    }
}
