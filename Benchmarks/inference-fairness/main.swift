import Foundation
import Inference

// Fairness of the inference scheduler (issue: with 10 schools of equal weight, one sending 10× the
// requests of the others, Jain's index of tokens served among backlogged schools ≥ 0.95; teacher
// requests wait < 100 ms at p95 while students saturate the endpoint).
//
//   swift run -c release inference-fairness [--seconds 10] [--slots 8]
//
// The endpoint is simulated: a request holds its slot for tokens / rate seconds. Students of 10
// schools keep the queue full (school 0 with 10× the concurrent senders of the others); one
// teacher asks every 100 ms. Side by side in the same run: the same load through a plain FIFO
// semaphore with the same slots (what a gateway without fair sharing does).

struct Options {
    var seconds = 10.0
    var slots = 8
    init() {
        var it = CommandLine.arguments.dropFirst().makeIterator()
        while let a = it.next() {
            switch a {
            case "--seconds": seconds = Double(it.next() ?? "") ?? seconds
            case "--slots": slots = Int(it.next() ?? "") ?? slots
            default: print("unknown option \(a)"); exit(2)
            }
        }
    }
}

let options = Options()
let tokensPerSecondPerSlot = 2_000.0
let schools = (0..<10).map { _ in UUID() }

/// Served tokens per school and teacher waits, thread-safe.
actor Tally {
    var tokens: [Int: Int] = [:]
    var teacherWaits: [Double] = []
    func served(_ school: Int, _ n: Int) { tokens[school, default: 0] += n }
    func waited(_ ms: Double) { teacherWaits.append(ms) }
}

/// A FIFO gate with the same number of slots, for comparison.
actor FIFOGate {
    var free: Int
    var waiters: [CheckedContinuation<Void, Never>] = []
    init(_ n: Int) { free = n }
    func acquire() async {
        if free > 0 { free -= 1; return }
        await withCheckedContinuation { waiters.append($0) }
    }
    func release() {
        if waiters.isEmpty { free += 1 } else { waiters.removeFirst().resume() }
    }
}

func jain(_ xs: [Double]) -> Double {
    let s = xs.reduce(0, +), q = xs.reduce(0) { $0 + $1 * $1 }
    return q == 0 ? 0 : s * s / (Double(xs.count) * q)
}

func percentile(_ xs: [Double], _ p: Double) -> Double {
    guard !xs.isEmpty else { return 0 }
    let s = xs.sorted()
    return s[min(s.count - 1, Int((Double(s.count - 1) * p).rounded()))]
}

enum Path { case scheduler(InferenceScheduler), fifo(FIFOGate) }

func run(_ path: Path) async -> (jain: Double, shares: [Int], teacherP50: Double, teacherP95: Double) {
    let tally = Tally()
    let end = ContinuousClock.now + .milliseconds(Int64(options.seconds * 1000))
    await withTaskGroup(of: Void.self) { group in
        // Students: school 0 has 10× the senders of each other school; every sender loops.
        for (i, school) in schools.enumerated() {
            for _ in 0..<(i == 0 ? 20 : 2) {
                group.addTask {
                    var rng = SystemRandomNumberGenerator()
                    while ContinuousClock.now < end {
                        let tokens = Int.random(in: 50...150, using: &rng)
                        let hold = Duration.milliseconds(Int64(Double(tokens) / tokensPerSecondPerSlot * 1000))
                        switch path {
                        case .scheduler(let s):
                            guard let lease = try? await s.acquire(InferenceTicket(user: UUID(), school: school, priority: .studentInteractive,
                                                                                    estimatedTokens: 100)) else { continue }
                            try? await Task.sleep(for: hold)
                            await s.release(lease, tokensUsed: tokens)
                        case .fifo(let g):
                            await g.acquire()
                            try? await Task.sleep(for: hold)
                            await g.release()
                        }
                        if ContinuousClock.now < end { await tally.served(i, tokens) }
                    }
                }
            }
        }
        // A teacher every 100 ms.
        group.addTask {
            while ContinuousClock.now < end {
                let t0 = ContinuousClock.now
                switch path {
                case .scheduler(let s):
                    if let lease = try? await s.acquire(InferenceTicket(user: UUID(), school: schools[3], priority: .teacherInteractive, estimatedTokens: 100)) {
                        await tally.waited(Double((ContinuousClock.now - t0) / .microseconds(1)) / 1000)
                        try? await Task.sleep(for: .milliseconds(50))
                        await s.release(lease, tokensUsed: 100)
                    }
                case .fifo(let g):
                    await g.acquire()
                    await tally.waited(Double((ContinuousClock.now - t0) / .microseconds(1)) / 1000)
                    try? await Task.sleep(for: .milliseconds(50))
                    await g.release()
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }
    let tokens = await tally.tokens
    let shares = (0..<schools.count).map { tokens[$0] ?? 0 }
    let waits = await tally.teacherWaits
    return (jain(shares.map(Double.init)), shares, percentile(waits, 0.5), percentile(waits, 0.95))
}

var settings = SchedulerSettings()
settings.slots = options.slots
settings.teacherReservedShare = 0.25
settings.queueDeadline = .seconds(30)
print("10 schools, school 0 with 10× the senders; \(options.slots) slots; \(options.seconds) s per path")
for (name, path) in [("scheduler (WFQ, teacher reserve)", Path.scheduler(InferenceScheduler(settings: settings))),
                     ("plain FIFO, same slots", Path.fifo(FIFOGate(options.slots)))] {
    let r = await run(path)
    print(String(format: "%@: Jain %.3f · teacher wait p50 %.1f ms, p95 %.1f ms · tokens per school %@",
                 name, r.jain, r.teacherP50, r.teacherP95, r.shares.map(String.init).joined(separator: " ")))
}
