import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite struct OperationsTests {
    @Test(arguments: TestDatabase.engines)
    func everyRouteTheServerAnswersIsInTheContract(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            let router = try buildRouter(platform: f.platform)
            let served = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
            let documented = try ContractDocuments().operations
            #expect(!served.isEmpty)
            #expect(served.subtracting(documented).isEmpty, "undocumented: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func healthReadyAndRequestIDs(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                try await client.execute(uri: "/health", method: .get, headers: [HTTPField.Name("X-Request-Id")!: "trace-123"]) { r in
                    #expect(r.status == .ok)
                    #expect(r.headers[HTTPField.Name("X-Request-Id")!] == "trace-123")
                }
                try await client.execute(uri: "/ready", method: .get) { r in
                    #expect(r.status == .ok)
                    #expect((r.json["database"] as? [String: Any])?["engine"] as? String == engine.rawValue)
                    #expect((r.json["inference"] as? [String: Any])?["state"] as? String == "offline")
                    #expect(r.headers[HTTPField.Name("X-Request-Id")!]?.count == 36)
                }
                // A header with control characters is replaced rather than echoed.
                try await client.execute(uri: "/health", method: .get, headers: [HTTPField.Name("X-Request-Id")!: "a b<script>"]) { r in
                    #expect(r.headers[HTTPField.Name("X-Request-Id")!] != "a b<script>")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func metricsCountRequestsByRouteTemplate(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let t = try await f.token(client, f.admin)
                for code in ["5201", "5203"] { try await client.execute(uri: "/v1/regions/\(code)", method: .get, headers: bearer(t)) }
                try await client.execute(uri: "/metrics", method: .get) { r in
                    #expect(r.status == .ok)
                    #expect(r.text.contains(#"qianxue_http_requests_total{method="GET",route="/v1/regions/{code}",status="200"} 2"#))
                    #expect(r.text.contains(#"qianxue_http_request_duration_seconds_count{method="GET",route="/v1/regions/{code}",status="200"} 2"#))
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func theContractAndItsDocsAreServedWithoutExternalAssets(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                try await client.execute(uri: "/openapi.yaml", method: .get) { r in
                    #expect(r.text.hasPrefix("openapi: \"3.1.0\""))
                }
                try await client.execute(uri: "/docs", method: .get) { r in
                    #expect(r.status == .ok)
                    #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
                    #expect(r.text.contains("/v1/auth/login"))
                    #expect(!r.text.contains("<script"))
                    #expect(!r.text.contains("src=\"http"))
                    #expect(!r.text.contains("<link"))
                }
            }
        }
    }
}

@Suite struct RequestIDTests {
    @Test func generatedIDsAreVersion4UUIDs() throws {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let id = RequestIDs.generate()
            let uuid = try #require(UUID(uuidString: id))
            #expect(uuid.uuidString.lowercased() == id)
            #expect(Array(id)[14] == "4")
            #expect("89ab".contains(Array(id)[19]))
            seen.insert(id)
        }
        #expect(seen.count == 1000)
    }
}

@Suite struct RFC3339TranscoderTests {
    @Test func datesEncodeAsUTCWholeSecondsAndDecodeWithOrWithoutFractions() throws {
        let t = RFC3339Transcoder()
        #expect(try t.encode(Date(timeIntervalSince1970: 1_795_973_400.75)) == "2026-11-29T17:30:00Z")
        #expect(try t.encode(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(try t.decode("2026-11-29T17:30:00Z").timeIntervalSince1970 == 1_795_973_400)
        #expect(abs(try t.decode("2026-11-29T17:30:00.250Z").timeIntervalSince1970 - 1_795_973_400.25) < 0.001)
        #expect(throws: (any Error).self) { try t.decode("yesterday") }
    }
}
