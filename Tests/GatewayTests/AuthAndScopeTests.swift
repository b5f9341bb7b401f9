import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Testing
import TestSupport

@Suite struct AuthAndScopeTests {
    @Test(arguments: TestDatabase.engines)
    func withoutATokenOperationsAnswer401(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                for uri in ["/v1/me", "/v1/regions", "/v1/users", "/v1/users/\(f.studentA.id)"] {
                    try await client.execute(uri: uri, method: .get) { r in
                        #expect(r.status == .unauthorized, "\(uri)")
                        #expect(r.isProblem(.unauthenticated), "\(uri)")
                    }
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func anAnonymousWriteWithAnIdempotencyKeyAnswers401NotAStoredKey(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                var headers: HTTPFields = [.contentType: "application/json"]
                headers[HTTPField.Name("Idempotency-Key")!] = "anon-1"
                // The same key with two bodies: were anonymous writes claimed, the second would be 422.
                for body in [#"{"kind":"adaptive"}"#, #"{"kind":"form"}"#] {
                    try await client.execute(uri: "/v1/assessment/attempts", method: .post, headers: headers, body: ByteBuffer(string: body)) { r in
                        #expect(r.status == .unauthorized, "\(body)")
                        #expect(r.isProblem(.unauthenticated), "\(body)")
                        #expect(r.headers[HTTPField.Name("Idempotent-Replayed")!] == nil)
                    }
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aStudentCallingAnAdminOperationGets403(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let t = try await f.token(client, f.studentA)
                try await client.execute(uri: "/v1/users", method: .get, headers: bearer(t)) { r in
                    #expect(r.status == .forbidden)
                    #expect(r.isProblem(.forbidden))
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aTeacherAskingForAUserOutsideTheirScopeGets404(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let t = try await f.token(client, f.teacherA)
                try await client.execute(uri: "/v1/users/\(f.studentB.id)", method: .get, headers: bearer(t)) { r in
                    #expect(r.status == .notFound)
                    #expect(r.isProblem(.notFound))
                }
                try await client.execute(uri: "/v1/users/\(f.studentA.id)", method: .get, headers: bearer(t)) { r in
                    #expect(r.status == .ok)
                    #expect(r.json["username"] as? String == "student.a")
                    #expect(r.json["band"] as? String == "primary-upper")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func meLogoutAndRevokedTokens(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let t = try await f.token(client, f.schoolAdminA)
                try await client.execute(uri: "/v1/me", method: .get, headers: bearer(t)) { r in
                    #expect(r.status == .ok)
                    #expect(r.json["role"] as? String == "school_admin")
                    #expect(r.json["schoolId"] as? String == f.schoolA.id.uuidString.lowercased())
                }
                try await client.execute(uri: "/v1/auth/logout", method: .post, headers: bearer(t)) { r in
                    #expect(r.status == .noContent)
                }
                try await client.execute(uri: "/v1/me", method: .get, headers: bearer(t)) { r in
                    #expect(r.status == .unauthorized)
                    #expect((r.json["detail"] as? String)?.contains("revoked") == true)
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func schoolAdminsListTheirSchoolPageByPage(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let t = try await f.token(client, f.schoolAdminA)
                let next: String = try await client.execute(uri: "/v1/users?pageSize=2", method: .get, headers: bearer(t)) { r in
                    #expect(r.status == .ok)
                    let items = r.json["items"] as? [[String: Any]] ?? []
                    #expect(items.compactMap { $0["username"] as? String } == ["schooladmin.a", "student.a"])
                    return r.json["nextPageToken"] as? String ?? ""
                }
                try await client.execute(uri: "/v1/users?pageSize=2&pageToken=\(next)", method: .get, headers: bearer(t)) { r in
                    let items = r.json["items"] as? [[String: Any]] ?? []
                    #expect(items.compactMap { $0["username"] as? String } == ["teacher.a"])
                    #expect(r.json["nextPageToken"] == nil)
                }
                try await client.execute(uri: "/v1/users?school=\(f.schoolB.id)", method: .get, headers: bearer(t)) { r in
                    #expect(r.status == .notFound)
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func regionsAreTheProvinceWithNinePrefecturesAnd88Counties(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let t = try await f.token(client, f.studentA)
                try await client.execute(uri: "/v1/regions", method: .get, headers: bearer(t)) { r in
                    #expect(r.status == .ok)
                    let province = (r.json["items"] as? [[String: Any]])?.first ?? [:]
                    let prefectures = province["children"] as? [[String: Any]] ?? []
                    #expect(province["code"] as? String == "52")
                    #expect(prefectures.count == 9)
                    #expect(prefectures.reduce(0) { $0 + (($1["children"] as? [Any])?.count ?? 0) } == 88)
                }
                try await client.execute(uri: "/v1/regions/5203", method: .get, headers: bearer(t)) { r in
                    #expect(r.json["name"] as? String == "遵义市")
                    #expect((r.json["children"] as? [Any])?.count == 14)
                }
                try await client.execute(uri: "/v1/regions/5299", method: .get, headers: bearer(t)) { r in
                    #expect(r.isProblem(.notFound))
                }
            }
        }
    }
}
