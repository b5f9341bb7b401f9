import Curriculum
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Registry
import Testing
import TestSupport

@Suite struct PDCompletionTests {
    func post(_ client: some TestClientProtocol, _ token: String, _ unit: String, note: String? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
        let body = try JSONEncoder().encode(note.map { ["note": $0] } ?? [:])
        var headers = bearer(token)
        headers[.contentType] = "application/json"
        return try await client.execute(uri: "/v1/curriculum/pd/\(unit)/completion", method: .post, headers: headers,
                                        body: ByteBuffer(bytes: body)) { ($0.status, $0.json) }
    }

    @Test(arguments: TestDatabase.engines)
    func teachersRecordCompletionsOnceAndSeeTheirProgress(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            let unit = f.platform.curriculum.pdUnits[0].slug
            try await f.app().test(.router) { client in
                let teacher = try await f.token(client, f.teacherA)
                // when the teacher records a unit twice
                let (first, a) = try await post(client, teacher, unit, note: "校本研修")
                let (second, b) = try await post(client, teacher, unit)
                // then the first answer is 201, the second 200 with the same record
                #expect(first == .created)
                #expect(second == .ok)
                #expect(a["completedAt"] as? String == b["completedAt"] as? String)
                #expect(b["note"] as? String == "校本研修")
                try await client.execute(uri: "/v1/me/pd", method: .get, headers: bearer(teacher)) { r in
                    #expect(r.json["completed"] as? Int == 1)
                    #expect(r.json["total"] as? Int == f.platform.curriculum.pdUnits.count)
                    let items = r.json["items"] as? [[String: Any]] ?? []
                    #expect(items.first { $0["unit"] as? String == unit }?["completedAt"] is String)
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func badCompletionsAreRefusedClearly(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            let unit = f.platform.curriculum.pdUnits[0].slug
            let studentLesson = f.platform.curriculum.content.units.first { $0.band == .junior }!.slug
            try await f.app().test(.router) { client in
                let teacher = try await f.token(client, f.teacherA)
                let student = try await f.token(client, f.studentA)
                #expect(try await post(client, student, unit).0 == .forbidden)
                #expect(try await post(client, teacher, "pd-no-such-unit").0 == .notFound)
                #expect(try await post(client, teacher, studentLesson).0 == .notFound, "student units are not PD")
                #expect(try await post(client, teacher, unit, note: String(repeating: "长", count: 501)).0 == .badRequest)
                try await client.execute(uri: "/v1/me/pd", method: .get, headers: bearer(teacher)) { r in
                    #expect(r.json["completed"] as? Int == 0)
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func schoolAdminsAndBureauUsersCountCompletionsInTheirScope(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            // given a teacher in school A (Zunyi, 520302) with two units, and one in school B (Guiyang) with one
            let units = f.platform.curriculum.pdUnits.map(\.slug)
            let teacherB = try await f.platform.registry.createUser(
                NewUser(username: "teacher.b", role: .teacher, schoolID: f.schoolB.id, password: GatewayFixture.password), actor: nil)
            _ = try await f.platform.registry.createUser(
                NewUser(username: "zunyi.analyst", role: .bureau, regionCode: "5203", password: GatewayFixture.password), actor: nil)
            try await f.app().test(.router) { client in
                let a = try await f.token(client, f.teacherA)
                let b = try await f.token(client, teacherB)
                _ = try await post(client, a, units[0])
                _ = try await post(client, a, units[1])
                _ = try await post(client, b, units[0])
                let schoolAdmin = try await f.token(client, f.schoolAdminA)
                let admin = try await f.token(client, f.admin)
                let body = try JSONEncoder().encode(["username": "zunyi.analyst", "password": GatewayFixture.password])
                let analyst = try await client.execute(uri: "/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                       body: ByteBuffer(bytes: body)) { $0.json["token"] as? String ?? "" }

                func summary(_ token: String, _ query: String = "") async throws -> [String: Any] {
                    try await client.execute(uri: "/v1/curriculum/pd/completions\(query)", method: .get, headers: bearer(token)) { r in
                        #expect(r.status == .ok, "\(query) answered \(r.status)")
                        return r.json
                    }
                }
                func completed(_ s: [String: Any], _ unit: String) -> Int? {
                    (s["units"] as? [[String: Any]])?.first { $0["unit"] as? String == unit }?["teachersCompleted"] as? Int
                }
                // then the school admin counts school A only: one teacher and the admin on the roster
                let mine = try await summary(schoolAdmin)
                #expect(completed(mine, units[0]) == 1)
                #expect(completed(mine, units[1]) == 1)
                #expect(mine["teachersInScope"] as? Int == 2)
                #expect(mine["teachersWithAny"] as? Int == 1)
                // the Zunyi analyst counts Zunyi's schools, not Guiyang's
                let zunyi = try await summary(analyst)
                #expect(zunyi["region"] as? String == "5203")
                #expect(completed(zunyi, units[0]) == 1)
                // the province admin counts both, or one region when asked
                #expect(completed(try await summary(admin), units[0]) == 2)
                #expect(completed(try await summary(admin, "?region=5201"), units[0]) == 1)
                // outside the scope is not found; teachers may not read counts
                try await client.execute(uri: "/v1/curriculum/pd/completions?region=5201", method: .get, headers: bearer(analyst)) { r in
                    #expect(r.isProblem(.notFound))
                }
                try await client.execute(uri: "/v1/curriculum/pd/completions?school=\(f.schoolB.id)", method: .get, headers: bearer(schoolAdmin)) { r in
                    #expect(r.isProblem(.notFound))
                }
                try await client.execute(uri: "/v1/curriculum/pd/completions", method: .get, headers: bearer(a)) { r in
                    #expect(r.isProblem(.forbidden))
                }
                try await client.execute(uri: "/v1/curriculum/pd/completions?region=52x", method: .get, headers: bearer(admin)) { r in
                    #expect(r.isProblem(.validation))
                }
            }
        }
    }
}
