import Foundation
import QianxueCore
import Synchronization

/// Bounds the requests this instance works on at once. Past `limit`, a request waits in a short
/// queue (first come, first served) for at most `maxWait`; past that, or when the queue is full,
/// it is refused with 503 and Retry-After. Without it a surge queues on the CPU and the database
/// pool unbounded: every request slower than its client's patience, none refused, the backlog
/// still being worked off after the clients have gone. With it, the requests let in keep close to
/// their usual latency and the rest learn at once to come back.
///
/// The answers that stream from the inference endpoint pass by: the inference scheduler is their
/// admission control (slots, a queue with its own deadline, 503 with Retry-After), and a reply that
/// waits there for a slot must not hold a place that reads need.
final class AdmissionGate: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var inFlight = 0
        var waiting: [Waiter] = []
        var nextID: UInt64 = 0
    }

    /// Requests worked on at once; 0 turns the gate off.
    let limit: Int
    let maxWait: Duration
    let maxQueued: Int
    private let state = Mutex(State())

    init(limit: Int, maxWait: Duration = .milliseconds(500), maxQueued: Int? = nil) {
        self.limit = limit
        self.maxWait = maxWait
        self.maxQueued = maxQueued ?? 4 * limit
    }

    /// Routes that stream the inference endpoint's answers (their own admission is the scheduler's).
    static func isInferenceStream(method: String, path: String) -> Bool {
        guard method == "POST" else { return false }
        if path == "/v1/inference/chat" || path == "/v1/assistant/drafts" { return true }
        return path.hasPrefix("/v1/companion/sessions/") && path.hasSuffix("/messages")
    }

    /// Runs `body` once admitted; throws `AppError.overloaded` with Retry-After when refused.
    /// Probes, scrapes and inference streams pass by.
    func admitted<T>(method: String, path: String, _ body: () async throws -> T) async throws -> T {
        guard limit > 0, !GatewayPipeline.unlimited.contains(path), !Self.isInferenceStream(method: method, path: path) else {
            return try await body()
        }
        try await enter()
        defer { leave() }
        return try await body()
    }

    private enum Entry { case now, refused(Int), queued(UInt64) }

    private func enter() async throws {
        let id: UInt64
        switch state.withLock({ s -> Entry in
            if s.inFlight < limit, s.waiting.isEmpty { s.inFlight += 1; return .now }
            guard s.waiting.count < maxQueued else { return .refused(retryAfter(queued: s.waiting.count)) }
            s.nextID &+= 1
            return .queued(s.nextID)
        }) {
        case .now: return
        case .refused(let seconds): throw Self.refusal(seconds)
        case .queued(let n): id = n
        }
        let wait = maxWait
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let admittedAlready = state.withLock { s -> Bool in
                    if s.inFlight < limit, s.waiting.isEmpty { s.inFlight += 1; return true }
                    s.waiting.append(Waiter(id: id, continuation: c))
                    return false
                }
                if admittedAlready { c.resume(); return }
                Task { [weak self] in
                    try? await Task.sleep(for: wait)
                    self?.expire(id)
                }
            }
        } onCancel: {
            self.remove(id, with: CancellationError())
        }
    }

    private func leave() {
        let next = state.withLock { s -> Waiter? in
            if s.waiting.isEmpty { s.inFlight -= 1; return nil }
            return s.waiting.removeFirst()   // the place passes to it: inFlight stays
        }
        next?.continuation.resume()
    }

    private func expire(_ id: UInt64) {
        let seconds = state.withLock { retryAfter(queued: $0.waiting.count) }
        remove(id, with: Self.refusal(seconds))
    }

    private func remove(_ id: UInt64, with error: any Error) {
        let w = state.withLock { s -> Waiter? in
            guard let i = s.waiting.firstIndex(where: { $0.id == id }) else { return nil }
            return s.waiting.remove(at: i)
        }
        w?.continuation.resume(throwing: error)
    }

    /// A second, or more while the queue is long.
    private func retryAfter(queued: Int) -> Int {
        max(1, min(30, 1 + queued / max(1, limit)))
    }

    private static func refusal(_ seconds: Int) -> AppError {
        AppError(.overloaded, "the server is busy; try again in \(seconds) s", retryAfter: seconds)
    }
}
