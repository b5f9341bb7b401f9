import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Testing
import TestSupport

@Suite struct SchoolsAndClassesTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    func headers(_ token: String, _ extra: HTTPFields = [:]) -> HTTPFields {
        var h = bearer(token)
        h[.contentType] = "application/json"
        for f in extra { h.append(f) }
        return h
    }

    @Test(arguments: TestDatabase.engines)
    func schoolsAreListedByRegionPilotStageAndNameWithinScope(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let admin = try await f.token(client, f.admin)
                // 100 seeded pilot schools and the fixture's two others.
                var names: [String] = []
                var token: String? = nil
                repeat {
                    let uri = "/v1/schools?pageSize=40" + (token.map { "&pageToken=\($0)" } ?? "")
                    token = try await client.execute(uri: uri, method: .get, headers: bearer(admin)) { r in
                        #expect(r.status == .ok)
                        names += (r.json["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                        return r.json["nextPageToken"] as? String
                    }
                } while token != nil
                #expect(names.count == 102)
                #expect(Set(names).count == 102)
                try await client.execute(uri: "/v1/schools?pilot=true&pageSize=500", method: .get, headers: bearer(admin)) { r in
                    let items = r.json["items"] as? [[String: Any]] ?? []
                    #expect(items.count == 100)
                    #expect(items.allSatisfy { $0["synthetic"] as? Bool == true && ($0["name"] as? String ?? "").hasPrefix("示例") })
                    #expect(Set(items.compactMap { $0["prefectureCode"] as? String }).count == 9)
                }
                try await client.execute(uri: "/v1/schools?region=5203&pageSize=500", method: .get, headers: bearer(admin)) { r in
                    let items = r.json["items"] as? [[String: Any]] ?? []
                    #expect(!items.isEmpty)
                    #expect(items.allSatisfy { ($0["countyCode"] as? String ?? "").hasPrefix("5203") })
                }
                try await client.execute(uri: "/v1/schools?pilot=false&q=%E6%B5%8B%E8%AF%95", method: .get, headers: bearer(admin)) { r in
                    let items = r.json["items"] as? [[String: Any]] ?? []
                    #expect(items.compactMap { $0["name"] as? String }.sorted() == ["测试小学乙", "测试小学甲"].sorted())
                }
                try await client.execute(uri: "/v1/schools?stage=vocational&pageSize=500", method: .get, headers: bearer(admin)) { r in
                    let items = r.json["items"] as? [[String: Any]] ?? []
                    #expect(items.allSatisfy { ($0["stages"] as? [String]) == ["vocational"] })
                }
                try await client.execute(uri: "/v1/schools?region=9999", method: .get, headers: bearer(admin)) { r in
                    #expect(r.isProblem(.validation))
                }
                // A teacher sees their own school only, and another school answers 404.
                let teacher = try await f.token(client, f.teacherA)
                try await client.execute(uri: "/v1/schools", method: .get, headers: bearer(teacher)) { r in
                    #expect((r.json["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["测试小学甲"])
                }
                try await client.execute(uri: "/v1/schools/\(f.schoolB.id)", method: .get, headers: bearer(teacher)) { r in
                    #expect(r.isProblem(.notFound))
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func changingASchoolNeedsTheCurrentETag(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let admin = try await f.token(client, f.admin)
                let etag: String = try await client.execute(uri: "/v1/schools/\(f.schoolA.id)", method: .get, headers: bearer(admin)) { r in
                    r.headers[.eTag] ?? ""
                }
                #expect(etag == "\"v1\"")
                let body = ByteBuffer(string: #"{"enrolment": 640, "locale": "rural"}"#)
                try await client.execute(uri: "/v1/schools/\(f.schoolA.id)", method: .patch, headers: headers(admin), body: body) { r in
                    #expect(r.status == .preconditionRequired)
                    #expect(r.isProblem(.preconditionRequired))
                }
                try await client.execute(uri: "/v1/schools/\(f.schoolA.id)", method: .patch, headers: headers(admin, [.ifMatch: etag]), body: body) { r in
                    #expect(r.status == .ok)
                    #expect(r.json["enrolment"] as? Int == 640)
                    #expect(r.json["locale"] as? String == "rural")
                    #expect(r.headers[.eTag] == "\"v2\"")
                }
                // The same (now stale) ETag again: 412, nothing changed.
                let again = ByteBuffer(string: #"{"enrolment": 1}"#)
                try await client.execute(uri: "/v1/schools/\(f.schoolA.id)", method: .patch, headers: headers(admin, [.ifMatch: etag]), body: again) { r in
                    #expect(r.status == .preconditionFailed)
                }
                // A school admin may change the contact, not the name.
                let sa = try await f.token(client, f.schoolAdminA)
                try await client.execute(uri: "/v1/schools/\(f.schoolA.id)", method: .patch,
                                         headers: headers(sa, [.ifMatch: "\"v2\""]), body: ByteBuffer(string: #"{"name": "改名"}"#)) { r in
                    #expect(r.status == .forbidden)
                }
                try await client.execute(uri: "/v1/schools/\(f.schoolA.id)", method: .patch, headers: headers(sa, [.ifMatch: "\"v2\""]),
                                         body: ByteBuffer(string: #"{"contact": {"name": "王老师", "phone": "0851-1234567", "email": "office@example.edu.cn"}}"#)) { r in
                    #expect(r.status == .ok)
                    #expect((r.json["contact"] as? [String: Any])?["name"] as? String == "王老师")
                    #expect(r.json["enrolment"] as? Int == 640)
                }
                try await client.execute(uri: "/v1/schools/\(f.schoolA.id)", method: .patch, headers: headers(sa, [.ifMatch: "\"v3\""]),
                                         body: ByteBuffer(string: #"{"contact": {"email": "not-an-email"}}"#)) { r in
                    #expect(r.isProblem(.validation))
                    #expect((r.json["fields"] as? [String]) == ["contact.email"])
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func classesAreCreatedByTheSchoolAndSeenOnlyWithinIt(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let sa = try await f.token(client, f.schoolAdminA)
                let classID: String = try await client.execute(uri: "/v1/schools/\(f.schoolA.id)/classes", method: .post, headers: headers(sa),
                                                               body: ByteBuffer(string: #"{"grade": "7", "name": "7-2"}"#)) { r in
                    #expect(r.status == .created)
                    #expect(r.json["band"] as? String == "junior")
                    #expect((r.json["academicYear"] as? String)?.count == 9)
                    return r.json["id"] as? String ?? ""
                }
                try await client.execute(uri: "/v1/schools/\(f.schoolA.id)/classes", method: .post, headers: headers(sa),
                                         body: ByteBuffer(string: #"{"grade": "7", "name": "7-2"}"#)) { r in
                    #expect(r.isProblem(.conflict))
                }
                try await client.execute(uri: "/v1/schools/\(f.schoolB.id)/classes", method: .post, headers: headers(sa),
                                         body: ByteBuffer(string: #"{"grade": "7", "name": "7-9"}"#)) { r in
                    #expect(r.isProblem(.notFound))
                }
                try await client.execute(uri: "/v1/classes/\(classID)/members", method: .post, headers: headers(sa),
                                         body: ByteBuffer(string: #"{"userId": "\#(f.teacherA.id)", "role": "teacher"}"#)) { r in
                    #expect(r.status == .noContent)
                }
                try await client.execute(uri: "/v1/classes/\(classID)/members", method: .post, headers: headers(sa),
                                         body: ByteBuffer(string: #"{"userId": "\#(f.studentB.id)", "role": "student"}"#)) { r in
                    #expect(r.isProblem(.validation))
                }
                let teacher = try await f.token(client, f.teacherA)
                try await client.execute(uri: "/v1/me/classes", method: .get, headers: bearer(teacher)) { r in
                    let names = (r.json["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                    #expect(names.sorted() == ["4-1", "7-2"])
                }
                // The teacher of school A cannot see a class of school B.
                let b = try await f.platform.registry.createClass(schoolID: f.schoolB.id, grade: "8", name: "8-3")
                try await client.execute(uri: "/v1/classes/\(b.id)", method: .get, headers: bearer(teacher)) { r in
                    #expect(r.status == .notFound)
                }
                try await client.execute(uri: "/v1/schools/\(f.schoolB.id)/classes", method: .get, headers: bearer(teacher)) { r in
                    #expect(r.status == .notFound)
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aClasssStudentsAreForItsTeachersAndTheirReadingIsAudited(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let classes = try await f.platform.registry.myClasses(try await f.platform.accounts.authenticate(
                    token: try await f.token(client, f.teacherA)).principal, page: try PageQuery())
                let classID = try #require(classes.items.first?.id)
                let teacher = try await f.token(client, f.teacherA)
                try await client.execute(uri: "/v1/classes/\(classID)/students", method: .get, headers: bearer(teacher)) { r in
                    #expect((r.json["items"] as? [[String: Any]])?.compactMap { $0["username"] as? String } == ["student.a"])
                }
                let student = try await f.token(client, f.studentA)
                try await client.execute(uri: "/v1/classes/\(classID)", method: .get, headers: bearer(student)) { r in
                    #expect(r.status == .ok)
                    #expect(r.json["studentCount"] as? Int == 1)
                }
                try await client.execute(uri: "/v1/classes/\(classID)/students", method: .get, headers: bearer(student)) { r in
                    #expect(r.status == .forbidden)
                }
                let actions = try await f.platform.audit.records().map(\.event.action)
                #expect(actions.contains("student.list"))
            }
        }
    }
}
