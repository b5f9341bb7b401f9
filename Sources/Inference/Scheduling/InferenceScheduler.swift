import Foundation
import QianxueCore

/// The gate in front of the shared endpoint. A limited number of requests run at once (this
/// instance's share of the endpoint's slots); the rest wait in a queue with a deadline. Priority
/// classes are strict — teachers before students before batch drafts — and a share of the slots
/// is reserved for teachers. Within a class, schools share by weighted fair queuing on tokens
/// (virtual finish times, corrected by the tokens actually used), so that one school flooding the
/// queue cannot starve the others. A student has at most one stream at a time.
public actor InferenceScheduler {
    private struct Waiter {
        let id: UUID
        let ticket: InferenceTicket
        let finish: Double
        let enqueued: ContinuousClock.Instant
        let continuation: CheckedContinuation<SchedulerLease, any Error>
    }

    private struct Running {
        let ticket: InferenceTicket
        let charged: Double
    }

    public let settings: SchedulerSettings
    private var waiting: [Waiter] = []
    private var running: [UUID: Running] = [:]
    private var exclusiveUsers: Set<UUID> = []
    /// Weighted fair queuing state: the system's virtual time and each school's last finish tag.
    private var virtualTime = 0.0
    private var lastFinish: [UUID?: Double] = [:]

    public init(settings: SchedulerSettings = SchedulerSettings()) {
        self.settings = settings
    }

    /// Waits for a slot. Throws `SchedulerError` when the queue is full or the deadline passes,
    /// and `CancellationError` when the caller goes away while waiting.
    public func acquire(_ ticket: InferenceTicket) async throws -> SchedulerLease {
        if ticket.exclusive {
            guard !exclusiveUsers.contains(ticket.user) else { throw SchedulerError.streamInProgress }
            exclusiveUsers.insert(ticket.user)
        }
        let id = UUID.random()
        let weight = max(0.01, settings.schoolWeight(ticket.school))
        let start = max(virtualTime, lastFinish[ticket.school] ?? 0)
        let finish = start + Double(ticket.estimatedTokens) / weight
        let now = ContinuousClock.now

        if canRun(ticket.priority), waiting.allSatisfy({ $0.ticket.priority > ticket.priority }) {
            lastFinish[ticket.school] = finish
            virtualTime = max(virtualTime, start)
            running[id] = Running(ticket: ticket, charged: finish - start)
            return SchedulerLease(id: id, priority: ticket.priority, waited: .zero)
        }
        guard waiting.count < settings.maxQueued else {
            if ticket.exclusive { exclusiveUsers.remove(ticket.user) }
            throw SchedulerError.overloaded(retryAfter: retryAfter)
        }
        lastFinish[ticket.school] = finish
        let deadline = settings.queueDeadline
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<SchedulerLease, any Error>) in
                waiting.append(Waiter(id: id, ticket: ticket, finish: finish, enqueued: now, continuation: c))
                Task { [weak self] in
                    try? await Task.sleep(for: deadline)
                    await self?.expire(id)
                }
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    /// Gives the slot back, charging the school for the tokens actually used.
    public func release(_ lease: SchedulerLease, tokensUsed: Int? = nil) {
        guard let r = running.removeValue(forKey: lease.id) else { return }
        if r.ticket.exclusive { exclusiveUsers.remove(r.ticket.user) }
        if let used = tokensUsed {
            let weight = max(0.01, settings.schoolWeight(r.ticket.school))
            let correction = Double(used) / weight - r.charged
            lastFinish[r.ticket.school] = max(virtualTime, (lastFinish[r.ticket.school] ?? 0) + correction)
        }
        dispatch()
    }

    public var snapshot: SchedulerSnapshot {
        var queued: [InferenceTicket.Priority: Int] = [:]
        for p in InferenceTicket.Priority.allCases { queued[p] = 0 }
        for w in waiting { queued[w.ticket.priority, default: 0] += 1 }
        return SchedulerSnapshot(slots: settings.slots, inFlight: running.count, queued: queued)
    }

    // MARK: - Internals

    private func canRun(_ priority: InferenceTicket.Priority) -> Bool {
        if running.count >= settings.slots { return false }
        if priority == .teacherInteractive { return true }
        let shared = running.values.filter { $0.ticket.priority != .teacherInteractive }.count
        return shared < settings.sharedSlots
    }

    /// Starts waiting requests while slots allow: the best class first, then the smallest finish tag.
    private func dispatch() {
        while let next = nextRunnable() {
            let w = waiting.remove(at: next)
            virtualTime = max(virtualTime, w.finish - Double(w.ticket.estimatedTokens) / max(0.01, settings.schoolWeight(w.ticket.school)))
            running[w.id] = Running(ticket: w.ticket, charged: Double(w.ticket.estimatedTokens) / max(0.01, settings.schoolWeight(w.ticket.school)))
            w.continuation.resume(returning: SchedulerLease(id: w.id, priority: w.ticket.priority, waited: .now - w.enqueued))
        }
    }

    private func nextRunnable() -> Int? {
        var best: Int?
        for (i, w) in waiting.enumerated() where canRun(w.ticket.priority) {
            guard let b = best else { best = i; continue }
            let bw = waiting[b]
            if (w.ticket.priority, w.finish) < (bw.ticket.priority, bw.finish) { best = i }
        }
        return best
    }

    private func expire(_ id: UUID) {
        guard let i = waiting.firstIndex(where: { $0.id == id }) else { return }
        let w = waiting.remove(at: i)
        if w.ticket.exclusive { exclusiveUsers.remove(w.ticket.user) }
        w.continuation.resume(throwing: SchedulerError.overloaded(retryAfter: retryAfter))
    }

    private func cancel(_ id: UUID) {
        guard let i = waiting.firstIndex(where: { $0.id == id }) else { return }
        let w = waiting.remove(at: i)
        if w.ticket.exclusive { exclusiveUsers.remove(w.ticket.user) }
        w.continuation.resume(throwing: CancellationError())
    }

    /// Seconds a refused client should wait: about one queue deadline, more when the queue is long.
    private var retryAfter: Int {
        let base = Int((settings.queueDeadline / .seconds(1)).rounded(.up))
        return max(1, min(300, base / 2 + waiting.count / max(1, settings.slots)))
    }
}
