import AsyncHTTPClient
import Foundation
@testable import Gateway
import HummingbirdTesting
import NIOCore
import Persistence
import QianxueCore
import Registry
import Testing
import TestSupport

/// PostgreSQL stopped under traffic: every request that needs it answers 503 problem+json with
/// Retry-After within a second, never a 500 or a hang on the pool, and the same gateway serves
/// again once PostgreSQL is back, without a restart. A dedicated PostgreSQL (ops/lib/postgres.sh)
/// is stopped and started with pg_ctl.
@Suite(.serialized) struct DatabaseOutageTests {
    static let enabled = ProcessInfo.processInfo.environment["QIANXUE_TEST_DATABASE_URL"].map { !$0.isEmpty } ?? false
    static let password = "Outage-test-pass-1"

    /// One answer: what it was and how long it took.
    struct Answer: Sendable {
        let status: Int
        let contentType: String?
        let retryAfter: String?
        let seconds: Double
        let phase: Int
        let ended: ContinuousClock.Instant
    }

    @Test(.enabled(if: enabled, "needs PostgreSQL (ops/test starts one; its binaries start a dedicated one here)"))
    func stoppedPostgreSQLAnswers503QuicklyAndTheGatewayRecovers() async throws {
        let server = try await DedicatedPostgres.start()
        do {
            try await drive(server)
            await server.remove()
        } catch {
            await server.remove()
            throw error
        }
    }

    func drive(_ server: DedicatedPostgres) async throws {
        let db = try await DatabaseStack.open(.postgres(url: server.url), logger: TestDatabase.logger)
        var config = AppConfig()
        config.port = 0
        config.userRequestsPerMinute = 0
        config.addressRequestsPerMinute = 0
        let platform = try await Platform.open(config: config, logger: TestDatabase.logger, hasher: TestHasher(), database: db,
                                               curriculum: GatewayFixture.shippedCurriculum, itemBank: GatewayFixture.shippedItemBank,
                                               forms: GatewayFixture.shippedForms)
        _ = try await platform.registry.createUser(NewUser(username: "admin", role: .admin, password: Self.password), actor: nil)
        try await buildApplication(platform: platform, logger: TestDatabase.logger).testLive { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let token = try await Self.login(base)
            let phase = Phase()
            let stopped = Stopped()
            // given traffic: eight clients listing schools (a database read on every request)
            let answers = try await withThrowingTaskGroup(of: [Answer].self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        var mine: [Answer] = []
                        while phase.value < 3 { mine.append(try await Self.get(base + "/v1/schools?pageSize=5", token: token, phase: phase.value)) }
                        return mine
                    }
                }
                // when PostgreSQL is stopped under it, for four seconds, and started again
                try await Task.sleep(for: .seconds(1))
                stopped.value = .now
                try await server.stop()
                phase.value = 1
                try await Task.sleep(for: .seconds(4))
                try await server.start()
                phase.value = 2
                let back = ContinuousClock.now
                while ContinuousClock.now - back < .seconds(15) {
                    if try await Self.get(base + "/v1/schools?pageSize=5", token: token, phase: 2).status == 200 { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                try await Task.sleep(for: .seconds(1))
                phase.value = 3
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let stoppedAt = try #require(stopped.value)
            // then: while it was down, 503 problem+json with Retry-After, each within a second
            let down = answers.filter { $0.phase == 1 }
            #expect(down.count > 20)
            for a in down where a.status != 200 {
                #expect(a.status == 503)
                #expect(a.contentType == "application/problem+json")
                #expect(a.retryAfter != nil)
            }
            #expect(down.filter { $0.status == 503 }.count > down.count / 2)
            // every answer that was still being worked on when PostgreSQL stopped, or came after
            let touched = answers.filter { $0.phase >= 1 || $0.ended > stoppedAt }
            let slowest = touched.map(\.seconds).max() ?? 0
            #expect(slowest < 1.0, "the slowest answer during the outage took \(slowest) s")
            let statuses = { (p: Int) in Dictionary(grouping: answers.filter { $0.phase == p }, by: \.status).mapValues(\.count) }
            print("database outage: \(down.count) answers while stopped (\(down.filter { $0.status == 503 }.count) were 503), "
                  + "slowest answer from the stop on \(Int(slowest * 1000)) ms; statuses up \(statuses(0)), down \(statuses(1)), restarted \(statuses(2))")
            #expect(!answers.contains { $0.status == 500 })
            // and once it is back, the same gateway serves again
            let after = answers.filter { $0.phase == 2 }
            #expect(after.contains { $0.status == 200 }, "after the restart: \(after.map(\.status))")
            #expect(after.suffix(4).allSatisfy { $0.status == 200 }, "the last answers after the restart: \(after.suffix(10).map(\.status))")
            #expect(try await Self.get(base + "/v1/schools?pageSize=5", token: token, phase: 3).status == 200)
            #expect(try await Self.login(base).isEmpty == false)
        }
        await platform.shutdown()
    }

    static func login(_ base: String) async throws -> String {
        var request = HTTPClientRequest(url: base + "/v1/auth/login")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(["username": "admin", "password": password])))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        return try #require(json?["token"] as? String)
    }

    static func get(_ url: String, token: String, phase: Int) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let start = ContinuousClock.now
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        let d = ContinuousClock.now - start
        return Answer(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                      retryAfter: response.headers.first(name: "Retry-After"),
                      seconds: Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18, phase: phase, ended: .now)
    }
}

/// Which part of the run the traffic is in: 0 up, 1 stopped, 2 started again, 3 done.
final class Phase: @unchecked Sendable {
    private let lock = NSLock()
    private var v = 0
    var value: Int {
        get { lock.withLock { v } }
        set { lock.withLock { v = newValue } }
    }
}

/// When the test stopped PostgreSQL.
final class Stopped: @unchecked Sendable {
    private let lock = NSLock()
    private var v: ContinuousClock.Instant?
    var value: ContinuousClock.Instant? {
        get { lock.withLock { v } }
        set { lock.withLock { v = newValue } }
    }
}
