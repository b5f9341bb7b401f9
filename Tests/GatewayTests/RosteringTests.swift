import Foundation
import Persistence
import SQLKit
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Testing
import TestSupport

@Suite(.enabled(if: SharedData.available, "needs ../shared/data/oneroster-1.2 beside the checkout"))
struct RosteringTests {
    static let cleanZip = SharedData.url("oneroster-1.2/catalyst-oneroster_test_data.zip")
    static let defectiveZip = SharedData.url("oneroster-1.2/catalyst-v1p2_full_dataset_DEFECTIVE.zip")

    @Test(arguments: TestDatabase.engines)
    func anUploadedPackageImportsAndItsPeopleActivateWithCodes(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let admin = try await f.token(client, f.admin)
                var h = bearer(admin)
                h[.contentType] = "application/zip"
                let zip = try Data(contentsOf: Self.cleanZip)
                let schoolID: String = try await client.execute(uri: "/v1/rostering/oneroster?county=520302", method: .post, headers: h,
                                                                body: ByteBuffer(bytes: zip)) { r in
                    #expect(r.status == .ok, "\(r.text)")
                    #expect(((r.json["files"] as? [String: Any])?["users"] as? [String: Int])?["created"] == 1)
                    return (r.json["schoolIds"] as? [String])?.first ?? ""
                }
                // Codes for the imported people, who have no password.
                var codeHeaders = bearer(admin)
                codeHeaders[HTTPField.Name("Idempotency-Key")!] = "codes-1"
                let csv: String = try await client.execute(uri: "/v1/schools/\(schoolID)/activation-codes", method: .post, headers: codeHeaders) { r in
                    #expect(r.status == .ok)
                    #expect(r.headers[.contentType]?.hasPrefix("text/csv") == true)
                    return r.text
                }
                let line = try #require(csv.split(separator: "\r\n").dropFirst().first { $0.hasPrefix("brucewayne,") })
                let code = String(line.split(separator: ",")[3])
                #expect(code.count == 11)
                // Codes are secrets: they are never kept for an Idempotency-Key replay.
                #expect(try await IdempotencyProbe.storedBodies(f.platform.database).allSatisfy { !$0.contains(code) })
                let activate = { (code: String, username: String) in
                    ByteBuffer(string: #"{"code": "\#(code)", "username": "\#(username)", "newPassword": "Gotham-nights-2026"}"#)
                }
                try await client.execute(uri: "/v1/auth/activate", method: .post, headers: [.contentType: "application/json"],
                                         body: activate(code, "robin")) { r in
                    #expect(r.isProblem(.validation))
                }
                try await client.execute(uri: "/v1/auth/activate", method: .post, headers: [.contentType: "application/json"],
                                         body: activate(code.lowercased(), "brucewayne")) { r in
                    #expect(r.status == .noContent)
                }
                try await client.execute(uri: "/v1/auth/activate", method: .post, headers: [.contentType: "application/json"],
                                         body: activate(code, "brucewayne")) { r in
                    #expect(r.isProblem(.validation), "a code works once")
                }
                try await client.execute(uri: "/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: #"{"username": "brucewayne", "password": "Gotham-nights-2026"}"#)) { r in
                    #expect(r.status == .ok)
                }
                // The export of the school is a zip that imports again without a change.
                let exported: Data = try await client.execute(uri: "/v1/rostering/oneroster?school=\(schoolID)", method: .get, headers: bearer(admin)) { r in
                    #expect(r.headers[.contentType] == "application/zip")
                    return Data(buffer: r.body)
                }
                try await client.execute(uri: "/v1/rostering/oneroster?county=520302", method: .post, headers: h, body: ByteBuffer(bytes: exported)) { r in
                    #expect(r.json["changedNothing"] as? Bool == true)
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aBrokenUploadIsRefusedWithEveryIssueAndSchoolAdminsImportOnlyTheirSchool(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let admin = try await f.token(client, f.admin)
                var h = bearer(admin)
                h[.contentType] = "application/zip"
                try await client.execute(uri: "/v1/rostering/oneroster", method: .post, headers: h,
                                         body: ByteBuffer(bytes: try Data(contentsOf: Self.defectiveZip))) { r in
                    #expect(r.status == .badRequest)
                    #expect(r.isProblem(.validation))
                    let issues = r.json["issues"] as? [[String: Any]] ?? []
                    #expect(issues.contains { $0["file"] as? String == "users.csv" && $0["line"] as? Int == 1 && $0["column"] as? String == "preferredGivenName" })
                }
                try await client.execute(uri: "/v1/rostering/oneroster", method: .post, headers: h, body: ByteBuffer(string: "not a zip")) { r in
                    #expect(r.isProblem(.validation))
                }
                let teacher = try await f.token(client, f.teacherA)
                var ht = bearer(teacher)
                ht[.contentType] = "application/zip"
                try await client.execute(uri: "/v1/rostering/oneroster?county=520302", method: .post, headers: ht,
                                         body: ByteBuffer(bytes: try Data(contentsOf: Self.cleanZip))) { r in
                    #expect(r.status == .forbidden)
                }
                let teacherCodes = try await client.execute(uri: "/v1/schools/\(f.schoolA.id)/activation-codes", method: .post, headers: bearer(teacher))
                #expect(teacherCodes.status == .forbidden)
            }
        }
    }
}

/// Reads what the idempotency store kept (for checks that secrets are not among it).
enum IdempotencyProbe {
    static func storedBodies(_ db: DatabaseStack) async throws -> [String] {
        try await db.sql.raw("SELECT body FROM idempotency_keys").all().compactMap {
            try $0.decode(column: "body", as: Data?.self).map { String(decoding: $0, as: UTF8.self) }
        }
    }
}
