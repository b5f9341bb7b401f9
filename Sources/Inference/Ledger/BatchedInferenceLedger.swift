import Foundation
import Logging
import Synchronization

/// The ledger written in batches: `record` keeps the entry in memory and returns at once (an answer
/// ends with no database write on its path), and the entries are written together — every
/// `interval`, or as soon as `maxRows` are waiting — in one transaction (`SQLInferenceLedger.record(batch:)`).
/// `flush()` writes what waits and returns when it is stored; the usage endpoint and the platform's
/// shutdown call it.
///
/// Budgets still hold: until its entry is stored, a request's tokens count in `pending`, which
/// `InferenceQuotas` adds to the stored daily use on this instance. Another instance sees them
/// once they are written (within `interval`).
///
/// What a crash can lose: the entries not yet written, at most `interval` of requests (or
/// `maxRows`) — a SIGKILL between two writes. A batch that fails to write is kept and tried again
/// at the next interval; after `attempts` failures its entries are tried one by one and those that
/// still fail are logged and given up, as a single failed write was before.
public final class BatchedInferenceLedger: InferenceLedger {
    private struct Waiting {
        var entry: LedgerEntry
        var failures = 0
    }

    private struct State {
        var waiting: [Waiting] = []
        var scheduled = false
        var writes: [Int: Task<Void, Never>] = [:]
        var nextWrite = 0
    }

    public let store: SQLInferenceLedger
    public let pending = PendingUsage()
    let interval: Duration
    let maxRows: Int
    let attempts: Int
    private let state = Mutex(State())
    private let logger: Logger

    public init(store: SQLInferenceLedger, interval: Duration = .milliseconds(50), maxRows: Int = 200, attempts: Int = 3,
                logger: Logger = Logger(label: "qianxue.inference.ledger")) {
        self.store = store
        self.interval = interval
        self.maxRows = maxRows
        self.attempts = attempts
        self.logger = logger
    }

    public func record(_ entry: LedgerEntry) async throws {
        pending.add(entry)
        enqueue([Waiting(entry: entry)])
    }

    /// Writes every entry waiting now and waits for the writes under way; afterwards what was
    /// recorded before the call is stored (or given up, and logged).
    public func flush() async {
        let writes = state.withLock { s -> [Task<Void, Never>] in
            startWrite(&s)
            return Array(s.writes.values)
        }
        for w in writes { await w.value }
    }

    private func enqueue(_ entries: [Waiting]) {
        state.withLock { s in
            s.waiting += entries
            if s.waiting.count >= maxRows {
                startWrite(&s)
            } else if !s.scheduled, !s.waiting.isEmpty {
                s.scheduled = true
                Task { [interval] in
                    try? await Task.sleep(for: interval)
                    self.state.withLock { s in
                        s.scheduled = false
                        self.startWrite(&s)
                    }
                }
            }
        }
    }

    /// Takes what waits into a write of its own (under the lock).
    private func startWrite(_ s: inout State) {
        guard !s.waiting.isEmpty else { return }
        let batch = s.waiting
        s.waiting = []
        let id = s.nextWrite
        s.nextWrite += 1
        s.writes[id] = Task {
            await self.write(batch)
            _ = self.state.withLock { $0.writes.removeValue(forKey: id) }
        }
    }

    private func write(_ batch: [Waiting]) async {
        do {
            try await store.record(batch: batch.map(\.entry))
            for w in batch { pending.remove(w.entry) }
            return
        } catch {
            logger.warning("the inference ledger could not write \(batch.count) request(s); trying again", metadata: ["error": "\(error)"])
        }
        var again: [Waiting] = []
        for var w in batch {
            w.failures += 1
            if w.failures < attempts { again.append(w); continue }
            // Tried often enough in batches: alone, so that one bad row cannot hold the others back.
            do {
                try await store.record(w.entry)
            } catch {
                logger.error("the inference ledger could not record a request: \(error)", metadata: ["outcome": "\(w.entry.outcome.rawValue)"])
            }
            pending.remove(w.entry)
        }
        if !again.isEmpty { enqueue(again) }
    }
}

/// Tokens of requests recorded but not yet stored, per budget key (school or county) and day.
public final class PendingUsage: Sendable {
    private let tokens = Mutex<[String: Int]>([:])

    func add(_ e: LedgerEntry) { change(e, by: 1) }
    func remove(_ e: LedgerEntry) { change(e, by: -1) }

    /// Tokens not yet stored of this budget key on this day.
    public func tokens(key: String, day: String) -> Int {
        tokens.withLock { $0[key + "|" + day] ?? 0 }
    }

    private func change(_ e: LedgerEntry, by sign: Int) {
        let n = e.promptTokens + e.completionTokens
        guard n != 0 else { return }
        let keys = [e.schoolID.map { QuotaScope.school($0).key }, e.county.map { QuotaScope.county($0).key }].compactMap { $0 }
        let day = e.day
        tokens.withLock { t in
            for key in keys {
                let k = key + "|" + day
                let v = (t[k] ?? 0) + sign * n
                t[k] = v == 0 ? nil : v
            }
        }
    }
}
