import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TestSupport

/// Every answer — a probe, a signed-in read, a problem — carries the security headers, keeps
/// answers for signed-in callers out of caches, and names no server software.
@Suite struct SecurityHeadersTests {
    @Test func everyAnswerCarriesTheSecurityHeaders() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().test(.router) { client in
                let token = try await f.token(client, f.teacherA)
                let answers = [
                    try await client.execute(uri: "/health", method: .get) { $0 },
                    try await client.execute(uri: "/v1/me", method: .get, headers: bearer(token)) { $0 },
                    try await client.execute(uri: "/v1/schools/00000000-0000-0000-0000-000000000000", method: .get, headers: bearer(token)) { $0 },
                    try await client.execute(uri: "/v1/me", method: .get) { $0 },
                ]
                #expect(answers.map(\.status.code) == [200, 200, 404, 401])
                for a in answers {
                    #expect(a.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                    #expect(a.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                    #expect(a.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                    #expect(a.headers[.cacheControl] == "no-store")
                    #expect(a.headers[.server] == nil)
                }
                // the contract is public and the same for everyone: caches may keep it
                let contract = try await client.execute(uri: "/openapi.yaml", method: .get) { $0 }
                #expect(contract.status == .ok && contract.headers[.cacheControl] != "no-store")
            }
        }
    }
}
