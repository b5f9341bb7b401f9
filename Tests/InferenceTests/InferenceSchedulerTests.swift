import Foundation
import Synchronization
import Testing
@testable import Inference

@Suite struct InferenceSchedulerTests {
    func settings(slots: Int, reserved: Double = 0, deadline: Duration = .seconds(5), maxQueued: Int = 100) -> SchedulerSettings {
        var s = SchedulerSettings()
        s.slots = slots
        s.teacherReservedShare = reserved
        s.queueDeadline = deadline
        s.maxQueued = maxQueued
        return s
    }

    func student(_ school: UUID? = nil, tokens: Int = 100, user: UUID = UUID(), exclusive: Bool = false) -> InferenceTicket {
        InferenceTicket(user: user, school: school, priority: .studentInteractive, estimatedTokens: tokens, exclusive: exclusive)
    }

    /// Waits until the scheduler holds `n` waiting requests.
    func waitQueued(_ s: InferenceScheduler, _ n: Int) async throws {
        for _ in 0..<400 {
            if await s.snapshot.queuedTotal >= n { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("the queue never reached \(n)")
    }

    @Test func requestsBeyondTheSlotsWaitUntilOneIsReleased() async throws {
        let s = InferenceScheduler(settings: settings(slots: 2))
        let a = try await s.acquire(student())
        _ = try await s.acquire(student())
        let third = Task { try await s.acquire(student()) }
        try await waitQueued(s, 1)
        #expect(await s.snapshot.inFlight == 2)
        await s.release(a)
        let lease = try await third.value
        #expect(lease.waited > .zero)
        #expect(await s.snapshot.inFlight == 2)
    }

    @Test func theQueueHasADeadlineAndABound() async throws {
        let s = InferenceScheduler(settings: settings(slots: 1, deadline: .milliseconds(200), maxQueued: 1))
        _ = try await s.acquire(student())
        let waiting = Task { try await s.acquire(student()) }
        try await waitQueued(s, 1)
        // the queue is full: refused at once
        await #expect(throws: SchedulerError.self) { try await s.acquire(student()) }
        // the waiting one is refused when its deadline passes, never left hanging
        do {
            _ = try await waiting.value
            Issue.record("the wait had no deadline")
        } catch let e as SchedulerError {
            guard case .overloaded(let retry) = e else { Issue.record("\(e)"); return }
            #expect(retry >= 1)
        }
        #expect(await s.snapshot.queuedTotal == 0)
    }

    @Test func teachersHaveReservedSlotsAndGoFirst() async throws {
        // given 4 slots, one reserved for teachers, and students filling the other 3
        let s = InferenceScheduler(settings: settings(slots: 4, reserved: 0.25))
        var leases: [SchedulerLease] = []
        for _ in 0..<3 { leases.append(try await s.acquire(student())) }
        let fourthStudent = Task { try await s.acquire(student()) }
        try await waitQueued(s, 1)
        // when a teacher asks, the reserved slot is theirs at once
        let teacher = try await s.acquire(InferenceTicket(user: UUID(), school: nil, priority: .teacherInteractive, estimatedTokens: 100))
        #expect(teacher.waited == .zero)
        // and with every slot taken, a waiting teacher goes before the waiting student
        let secondTeacher = Task { try await s.acquire(InferenceTicket(user: UUID(), school: nil, priority: .teacherInteractive, estimatedTokens: 100)) }
        try await waitQueued(s, 2)
        await s.release(teacher)
        _ = try await secondTeacher.value
        #expect(await s.snapshot.queued[.studentInteractive] == 1)
        await s.release(leases[0])
        _ = try await fourthStudent.value
    }

    @Test func aStudentHasOneStreamAtATime() async throws {
        let s = InferenceScheduler(settings: settings(slots: 4))
        let me = UUID()
        let lease = try await s.acquire(student(user: me, exclusive: true))
        await #expect(throws: SchedulerError.streamInProgress) { try await s.acquire(student(user: me, exclusive: true)) }
        await s.release(lease)
        _ = try await s.acquire(student(user: me, exclusive: true))
    }

    @Test func aSchoolFloodingTheQueueDoesNotStarveAnother() async throws {
        // given one slot, busy, and school A queueing 10 requests before school B's single one
        let s = InferenceScheduler(settings: settings(slots: 1))
        let a = UUID(), b = UUID()
        let first = try await s.acquire(student(a))
        let order = ServedOrder()
        var tasks: [Task<Void, any Error>] = []
        for i in 0..<10 {
            tasks.append(Task {
                let l = try await s.acquire(student(a))
                order.add("A\(i)")
                await s.release(l, tokensUsed: 100)
            })
            try await waitQueued(s, i + 1)
        }
        tasks.append(Task {
            let l = try await s.acquire(student(b))
            order.add("B")
            await s.release(l, tokensUsed: 100)
        })
        try await waitQueued(s, 11)
        // when the slot frees up and the queue drains
        await s.release(first, tokensUsed: 100)
        for t in tasks { try await t.value }
        // then B is served within the first two, not after all of A's
        let served = order.all
        #expect(served.firstIndex(of: "B")! <= 1, "\(served)")
    }

    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        let s = InferenceScheduler(settings: settings(slots: 1))
        _ = try await s.acquire(student())
        let waiting = Task { try await s.acquire(student()) }
        try await waitQueued(s, 1)
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(await s.snapshot.queuedTotal == 0)
    }
}

final class ServedOrder: Sendable {
    private let items = Mutex<[String]>([])
    func add(_ s: String) { items.withLock { $0.append(s) } }
    var all: [String] { items.withLock { $0 } }
}
