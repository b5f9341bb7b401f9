import Foundation
@testable import Gateway
import QianxueCore
import Testing

/// The gateway's bound on requests worked on at once, and the bound on queued password checks:
/// past them, 503 with Retry-After at once instead of a queue without end.
@Suite struct AdmissionGateTests {
    /// A request held inside the gate until the test lets it go.
    final class Held: Sendable {
        let entered = AsyncStream<Void>.makeStream()
        let release = AsyncStream<Void>.makeStream()

        func run(_ gate: AdmissionGate, path: String = "/v1/me", method: String = "GET") async throws -> String {
            try await gate.admitted(method: method, path: path) {
                entered.continuation.yield()
                for await _ in release.stream { break }
                return "done"
            }
        }
    }

    @Test func pastTheLimitARequestWaitsBrieflyThenIsRefusedWithRetryAfter() async throws {
        // given a gate of one place, taken
        let gate = AdmissionGate(limit: 1, maxWait: .milliseconds(100))
        let first = Held()
        async let firstDone = first.run(gate)
        for await _ in first.entered.stream { break }

        // when a second request comes, then it is refused after the wait, with Retry-After
        let started = ContinuousClock.now
        await #expect {
            try await gate.admitted(method: "GET", path: "/v1/curriculum/units") { "never" }
        } throws: { e in
            guard let e = e as? AppError else { return false }
            return e.type == .overloaded && (e.retryAfter ?? 0) >= 1
        }
        // refused after its wait (100 ms), not when the first ends; loose, as a loaded parallel run
        // can stall this task for seconds
        #expect(ContinuousClock.now - started < .seconds(30))

        // and the first finishes as if nothing happened
        first.release.continuation.yield()
        #expect(try await firstDone == "done")
    }

    @Test func aWaitingRequestTakesThePlaceWhenItComesFree() async throws {
        // given a gate of one place, taken, and a second request waiting for it
        let gate = AdmissionGate(limit: 1, maxWait: .seconds(30))
        let first = Held()
        async let firstDone = first.run(gate)
        for await _ in first.entered.stream { break }
        async let second = gate.admitted(method: "GET", path: "/v1/me") { "second" }
        try await Task.sleep(for: .milliseconds(50))

        // when the first leaves, then the second is let in
        first.release.continuation.yield()
        #expect(try await firstDone == "done")
        #expect(try await second == "second")
    }

    @Test func probesAndInferenceStreamsPassAFullGate() async throws {
        // given a full gate that refuses at once
        let gate = AdmissionGate(limit: 1, maxWait: .milliseconds(1), maxQueued: 0)
        let first = Held()
        async let firstDone = first.run(gate)
        for await _ in first.entered.stream { break }

        // then probes and the streamed answers (admitted by the inference scheduler) still pass
        #expect(try await gate.admitted(method: "GET", path: "/ready") { 1 } == 1)
        #expect(try await gate.admitted(method: "POST", path: "/v1/companion/sessions/\(UUID())/messages") { 2 } == 2)
        #expect(try await gate.admitted(method: "POST", path: "/v1/inference/chat") { 3 } == 3)
        #expect(try await gate.admitted(method: "POST", path: "/v1/assistant/drafts") { 4 } == 4)
        // and a read does not
        await #expect(throws: AppError.self) { try await gate.admitted(method: "GET", path: "/v1/companion/sessions") { 5 } }
        first.release.continuation.yield()
        _ = try await firstDone
    }

    @Test func aSurgeOfSignInsIsRefusedRatherThanQueuedWithoutEnd() async throws {
        // given a hasher that lets one password check wait or run at a time
        let hasher = BcryptHasher(cost: 10, maxPending: 1)
        let hash = try await hasher.hash("Surge-pass-1")

        // when eight sign-ins check their password at once
        let results = await withTaskGroup(of: Result<Bool, any Error>.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do { return .success(try await hasher.verify("Surge-pass-1", hash: hash)) } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }

        // then some are checked and the rest refused at once as overloaded, with Retry-After
        let checked = results.filter { (try? $0.get()) == true }.count
        let refused = results.filter {
            if case .failure(let e as AppError) = $0 { return e.type == .overloaded && (e.retryAfter ?? 0) >= 1 }
            return false
        }.count
        #expect(checked >= 1 && refused >= 1 && checked + refused == 8, "\(results)")
    }

    @Test func theBoundAndItsWaitAreConfigurable() async throws {
        let c = try await AppConfig.load(environment: ["QIANXUE_MAX_CONCURRENT_REQUESTS": "0", "QIANXUE_ADMISSION_WAIT": "2"], envFile: nil)
        #expect(c.maxConcurrentRequests == 0 && c.admissionWait == .seconds(2))
        #expect(try await AppConfig.load(environment: [:], envFile: nil).maxConcurrentRequests == 64)
        await #expect(throws: ConfigError.self) {
            try await AppConfig.load(environment: ["QIANXUE_MAX_CONCURRENT_REQUESTS": "many"], envFile: nil)
        }
    }
}
