import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Testing
import TestSupport

/// A write under an Idempotency-Key commits with its stored answer (kill rounds test the crash;
/// this the races): the same key sent four times at once creates one school, and every answer is
/// that school.
@Suite struct IdempotentWriteTests {
    @Test(arguments: TestDatabase.engines)
    func theSameKeySentFourTimesAtOnceCreatesOneSchool(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().testLive { client in
                // given
                let admin = try await f.token(client, f.admin)
                let body = #"{"name":"幂等小学","countyCode":"520302","stages":["primary"],"locale":"urban"}"#
                // when
                let url = "http://127.0.0.1:\(try #require(client.port))/v1/schools"
                let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            var request = HTTPClientRequest(url: url)
                            request.method = .POST
                            request.headers.add(name: "Authorization", value: "Bearer \(admin)")
                            request.headers.add(name: "Content-Type", value: "application/json")
                            request.headers.add(name: "Idempotency-Key", value: "school-once-1")
                            request.body = .bytes(ByteBuffer(string: body))
                            // As a client should: a 503 with Retry-After (SQLite's one connection, held by the
                            // first request's transaction, can keep the others waiting past the pool's limit on a
                            // busy machine) is sent again, with the same key, after the wait it names.
                            for _ in 0..<5 {
                                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                                let data = try await response.body.collect(upTo: 1 << 20)
                                if response.status.code == 503, let wait = response.headers.first(name: "Retry-After").flatMap(Int.init) {
                                    try await Task.sleep(for: .seconds(min(wait, 3)))
                                    continue
                                }
                                let json = try JSONSerialization.jsonObject(with: Data(buffer: data)) as? [String: Any]
                                return (Int(response.status.code), json?["id"] as? String)
                            }
                            return (503, nil)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                // then
                #expect(answers.allSatisfy { $0.0 == 201 }, "\(answers)")
                #expect(Set(answers.compactMap(\.1)).count == 1, "\(answers)")
                let stored = try await f.platform.database.sql.raw("SELECT COUNT(*) AS n FROM schools WHERE name = '幂等小学'")
                    .first(decodingColumn: "n", as: Int.self)
                #expect(stored == 1)
                // and a different body under the same key is refused
                var other = bearer(admin)
                other[.contentType] = "application/json"
                other[HTTPField.Name("Idempotency-Key")!] = "school-once-1"
                try await client.execute(uri: "/v1/schools", method: .post, headers: other,
                                         body: ByteBuffer(string: body.replacingOccurrences(of: "幂等", with: "别的"))) { r in
                    #expect(r.status.code == 422)
                }
            }
        }
    }
}
