import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Inference
import NIOCore
import Registry
import Synchronization
import Testing
import TestSupport

/// The inference endpoint falls sick while students chat with the companion through the gateway:
/// it hangs, answers 500, resets in the middle of a stream, or trickles one token a second. The
/// deadlines fire, the breaker opens, the offline provider answers — and a reader of the curriculum,
/// who never touches the AI, keeps the latency they had before.
@Suite(.serialized) struct InferenceFaultLatencyTests {
    static let threshold = 3
    static let students = 3

    @Test(arguments: TestDatabase.engines, FaultModelEndpoint.Fault.allCases)
    func chatsEndOfflineWithTheBreakerOpenAndReadsKeepTheirLatency(engine: DatabaseEngine, fault: FaultModelEndpoint.Fault) async throws {
        let sick = FaultModelEndpoint(fault)
        try await GatewayFixture.over(endpoint: sick.router(), engine, configure: { c in
            c.breakerThreshold = Self.threshold
            c.breakerCoolDown = .seconds(600)
            // Deadlines short enough for a test: a hang is given up after 1 s, a whole answer after 3 s.
            c.inferenceSettings.firstToken = .seconds(1)
            c.inferenceSettings.total = .seconds(3)
            c.userRequestsPerMinute = 0
            c.addressRequestsPerMinute = 0
        }) { f in
            try await f.app().testLive { client in
                let api = LiveAPI(base: "http://127.0.0.1:\(client.port!)")
                let world = try await ChatWorld.make(f, api, students: Self.students)

                // given the latency of a curriculum read before anything goes wrong
                let before = try await api.probe(world.teacher, count: 40)

                // when every student chats until the offline provider answers with the breaker open,
                // while the same reads go on beside them
                let finished = StopFlag()
                let (perStudent, during) = try await withThrowingTaskGroup(of: ([ChatOutcome]?, [Duration]).self) { group in
                    for session in world.sessions {
                        group.addTask {
                            var outcomes: [ChatOutcome] = []
                            for n in 1...6 {
                                let o = try await api.chat(session, "第\(n)个问题：这一课最重要的想法是什么？")
                                outcomes.append(o)
                                if o.provider == "offline", f.platform.inference.breaker?.state == .open { break }
                            }
                            // and once more with the breaker open
                            outcomes.append(try await api.chat(session, "还有一个问题：我该怎么检查答案？"))
                            return (outcomes, [])
                        }
                    }
                    group.addTask {
                        var samples: [Duration] = []
                        while !finished.value.load(ordering: .relaxed) || samples.count < 20 {
                            samples += try await api.probe(world.teacher, count: 1)
                        }
                        return (nil, samples)
                    }
                    var perStudent: [[ChatOutcome]] = [], during: [Duration] = []
                    for try await (o, d) in group {
                        if let o { perStudent.append(o) }
                        during += d
                        if perStudent.count == Self.students { finished.value.store(true, ordering: .relaxed) }
                    }
                    return (perStudent, during)
                }
                let chats = perStudent.flatMap { $0 }

                // then every chat ended within its deadline, never hanging: with an error event where
                // the stream had begun (reset, trickle), else answered offline at once (hang, 500)
                for o in chats {
                    #expect(o.status == 200, "\(o)")
                    // (the endpoint hangs 8 s and trickles for 10: only the deadlines end them sooner)
                    let bound: Duration = fault == .hang ? .seconds(4) : .seconds(6)
                    #expect(o.elapsed < bound, "a chat took \(o.elapsed) under \(fault.rawValue): \(o)")
                    #expect(o.done || o.error, "\(o)")
                }
                let failed = chats.filter { $0.provider != "offline" }
                switch fault {
                case .hang, .error500:
                    #expect(failed.isEmpty, "under \(fault.rawValue) the offline provider answers instead: \(failed)")
                case .reset, .trickle:
                    #expect(!failed.isEmpty && failed.allSatisfy { $0.error && !$0.done },
                            "under \(fault.rawValue) a begun answer ends with an error event: \(failed)")
                }
                // each student's last answer is the offline provider's, at once (well inside the
                // first-token deadline: the endpoint was not waited on), the breaker is open, and
                // after it opened the endpoint was asked no more
                for last in perStudent.compactMap(\.last) {
                    #expect(last.provider == "offline" && last.elapsed < .seconds(1), "\(last)")
                }
                #expect(f.platform.inference.breaker?.state == .open)
                let ready = try await api.get("/ready", token: nil)
                #expect(ready.text.contains("\"breaker\":\"open\""), "\(ready.text)")
                #expect(sick.requests.load(ordering: .relaxed) <= Self.threshold + Self.students - 1,
                        "the endpoint was asked \(sick.requests.load(ordering: .relaxed)) times")

                // and the reads kept their latency: the median within 3× (or 30 ms) of the one before
                let m0 = median(before), m1 = median(during)
                #expect(m1 <= max(m0 * 3, m0 + .milliseconds(30)),
                        "curriculum reads: median \(m0) before, \(m1) during the \(fault.rawValue) fault (\(during.count) samples)")
            }
        }
    }

    func median(_ xs: [Duration]) -> Duration {
        let s = xs.sorted()
        return s.isEmpty ? .zero : s[s.count / 2]
    }
}

/// Tells the probe beside the chats that they are over.
final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}
