import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Testing
import TestSupport

@Suite struct OneRosterRESTTests {
    static let base = "/ims/oneroster/rostering/v1p2"

    @Test(arguments: TestDatabase.engines)
    func collectionsPageFilterSortAndSelectFields(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let admin = try await f.token(client, f.admin)
                let xTotal = HTTPField.Name("X-Total-Count")!
                try await client.execute(uri: "\(Self.base)/users?filter=role%3D'student'&sort=username&orderBy=desc", method: .get, headers: bearer(admin)) { r in
                    #expect(r.status == .ok)
                    let users = r.json["users"] as? [[String: Any]] ?? []
                    #expect(users.compactMap { $0["username"] as? String } == ["student.b", "student.a"])
                    #expect(r.headers[xTotal] == "2")
                    let roles = users.first?["roles"] as? [[String: Any]]
                    #expect(roles?.first?["role"] as? String == "student")
                }
                try await client.execute(uri: "\(Self.base)/users?limit=1&offset=1&fields=sourcedId,username", method: .get, headers: bearer(admin)) { r in
                    let users = r.json["users"] as? [[String: Any]] ?? []
                    #expect(users.count == 1)
                    #expect(Set(users.first?.keys.map { $0 } ?? []) == ["sourcedId", "username"])
                    #expect(r.headers[xTotal] == "4")
                }
                try await client.execute(uri: "\(Self.base)/schools?filter=identifier~'5203'", method: .get, headers: bearer(admin)) { r in
                    let orgs = r.json["orgs"] as? [[String: Any]] ?? []
                    #expect(!orgs.isEmpty)
                    #expect(orgs.allSatisfy { ($0["identifier"] as? String ?? "").hasPrefix("5203") && $0["type"] as? String == "school" })
                    #expect((orgs.first?["parent"] as? [String: Any])?["sourcedId"] as? String == "5203")
                }
                try await client.execute(uri: "\(Self.base)/orgs/52", method: .get, headers: bearer(admin)) { r in
                    #expect((r.json["org"] as? [String: Any])?["type"] as? String == "state")
                }
                for bad in ["filter=role%3Dstudent", "filter=shoeSize%3D'9'", "sort=shoeSize", "orderBy=sideways", "limit=0", "fields=password"] {
                    try await client.execute(uri: "\(Self.base)/users?\(bad)", method: .get, headers: bearer(admin)) { r in
                        #expect(r.status == .badRequest, "\(bad)")
                    }
                }
                try await client.execute(uri: "\(Self.base)/users/nobody", method: .get, headers: bearer(admin)) { r in
                    #expect(r.isProblem(.notFound))
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func schoolAdminsSeeTheirSchoolAndTeachersNothing(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let sa = try await f.token(client, f.schoolAdminA)
                try await client.execute(uri: "\(Self.base)/enrollments", method: .get, headers: bearer(sa)) { r in
                    let e = r.json["enrollments"] as? [[String: Any]] ?? []
                    #expect(e.count == 2)
                    #expect(e.allSatisfy { ($0["school"] as? [String: Any])?["sourcedId"] as? String == f.schoolA.id.uuidString.lowercased() })
                }
                try await client.execute(uri: "\(Self.base)/users", method: .get, headers: bearer(sa)) { r in
                    #expect(!(r.json["users"] as? [[String: Any]] ?? []).contains { $0["username"] as? String == "student.b" })
                }
                let teacher = try await f.token(client, f.teacherA)
                try await client.execute(uri: "\(Self.base)/users", method: .get, headers: bearer(teacher)) { r in
                    #expect(r.status == .forbidden)
                }
            }
        }
    }
}
