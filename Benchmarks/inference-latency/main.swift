import Foundation
import NIOCore
import Synchronization

// Inference gateway latency, CPU and memory (issue 5). Against a loopback endpoint that streams at
// a fixed rate, side by side in one run (rounds alternate), streams opened straight to the endpoint
// and through the gateway's POST /v1/inference/chat:
//   - time to first token (first content chunk / first `delta` event) p50 and p99 at 1, 50, 500 streams;
//   - the gateway's CPU (utime + stime from /proc) per 1,000 streamed chunks;
//   - the gateway's resident memory every 10,000 of 100,000 streamed requests.
// Benchmarks/inference-latency/run starts everything pinned with taskset; the subcommands:
//
//   inference-latency endpoint [--port 8089] [--chunks 20] [--first 20] [--interval 20]
//   inference-latency compare --endpoint http://127.0.0.1:P/v1 --gateway http://127.0.0.1:G --token T [--target gateway|direct]
//                             --gateway-pid PID [--endpoint-pid PID] [--concurrency 1,50,500] [--rounds 4] [--duration 5]
//                             [--chunks 20] [--first 20] [--interval 20]
//   inference-latency split   --gateway http://127.0.0.1:G --token T --gateway-pid PID
//                             [--concurrency 50] [--short 5] [--long 100] [--rounds 3] [--duration 5]
//                             [--target gateway|direct]   (direct: --gateway is an endpoint's base URL with /v1, e.g. the relay's)
//   inference-latency relay   --port P --to http://127.0.0.1:ENDPOINT   (a bare TCP relay: the floor; Relay.swift)
//   inference-latency trace   --endpoint … --gateway … --token T [--requests 200] [--chunks 2]
//   inference-latency memory  --gateway http://127.0.0.1:G --token T --gateway-pid PID
//                             [--requests 100000] [--concurrency 200] [--chunks 4] [--every 10000]

struct Arguments {
    var values: [String: String] = [:]
    init(_ args: ArraySlice<String>) {
        var it = args.makeIterator()
        while let a = it.next() {
            guard a.hasPrefix("--") else { fail("unexpected argument \(a)") }
            values[String(a.dropFirst(2))] = it.next() ?? ""
        }
    }
    func string(_ k: String, _ d: String? = nil) -> String {
        guard let v = values[k] ?? d else { fail("--\(k) is required") }
        return v
    }
    func int(_ k: String, _ d: Int) -> Int { values[k].flatMap { Int($0) } ?? d }
    func double(_ k: String, _ d: Double) -> Double { values[k].flatMap { Double($0) } ?? d }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("inference-latency: \(message)\n".utf8))
    exit(2)
}

func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

let argv = CommandLine.arguments
guard argv.count >= 2 else { fail("say endpoint, compare or memory") }
let args = Arguments(argv.dropFirst(2))

switch argv[1] {
case "endpoint":
    try await Endpoint.run(.init(port: args.int("port", 8089), interval: args.int("interval", 20), first: args.int("first", 20),
                                 chunks: args.int("chunks", 20)))
case "compare":
    try await compare()
case "memory":
    try await memory()
case "split":
    try await split()
case "trace":
    try await trace()
case "relay":
    try await Relay.run(port: args.int("port", 8090), to: args.string("to"))
default:
    fail("unknown subcommand \(argv[1])")
}

// MARK: - compare

/// C workers, each opening one stream after another until the round's time is up; starts spread
/// over one stream's length so that the streams do not all begin together.
func round(_ pool: Pool, _ t: Target, concurrency: Int, seconds: Double, spread: Duration) async -> [StreamResult] {
    let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    return await withTaskGroup(of: [StreamResult].self) { g in
        for i in 0..<concurrency {
            g.addTask {
                if concurrency > 1 { try? await Task.sleep(for: spread * (Double(i) / Double(concurrency))) }
                var out: [StreamResult] = []
                while ContinuousClock.now < end { out.append(await stream(pool.slots[i], t)) }
                return out
            }
        }
        var all: [StreamResult] = []
        for await r in g { all += r }
        return all
    }
}

struct Tally {
    var firstTokens: [Double] = []
    var roundP50s: [Double] = []
    /// Cores other processes used during each round.
    var roundOther: [Double] = []
    var requests = 0
    var failures = 0
    var contentEvents = 0
    var cpuMs = 0.0
    var seconds = 0.0
}

func compare() async throws {
    let endpoint = args.string("endpoint"), gateway = args.string("gateway"), token = args.string("token", "")
    let pid = Int32(args.int("gateway-pid", 0))
    let levels = args.string("concurrency", "1,50,500").split(separator: ",").compactMap { Int($0) }
    let rounds = args.int("rounds", 4), seconds = args.double("duration", 5), chunks = args.int("chunks", 20)
    let streamLength = Duration.milliseconds(args.int("first", 20) + args.int("interval", 20) * (chunks - 1))
    // --target direct: --gateway is something that speaks the endpoint's protocol (the bare relay)
    let second = args.string("target", "gateway") == "direct" ? Target.direct(gateway, chunks: chunks) : Target.gateway(gateway, token: token, chunks: chunks)
    let targets = [Target.direct(endpoint, chunks: chunks), second]
    let pools = targets.map { _ in Pool(levels.max() ?? 1) }

    let endpointPID = Int32(args.int("endpoint-pid", 0))
    var lines: [String] = []
    var noisyRounds = [0, 0]
    for c in levels {
        var tallies = [Tally(), Tally()]
        // warm-up: connections opened, caches filled
        for k in 0..<2 { _ = await round(pools[k], targets[k], concurrency: c, seconds: 1.5, spread: streamLength) }
        for r in 0..<rounds {
            for k in (r % 2 == 0 ? [0, 1] : [1, 0]) {
                let cpu0 = Proc.cpuMilliseconds(pid), t0 = ContinuousClock.now
                let busy0 = Proc.machineBusyMilliseconds(), own0 = Proc.cpuMilliseconds(getpid()), ep0 = Proc.cpuMilliseconds(endpointPID)
                let results = await round(pools[k], targets[k], concurrency: c, seconds: seconds, spread: streamLength)
                let cpu = Proc.cpuMilliseconds(pid) - cpu0, elapsed = Double((ContinuousClock.now - t0) / .milliseconds(1)) / 1000
                // what the rest of the machine (other builds and tests) used meanwhile, in cores
                let other = (Proc.machineBusyMilliseconds() - busy0 - cpu - (Proc.cpuMilliseconds(getpid()) - own0)
                             - (Proc.cpuMilliseconds(endpointPID) - ep0)) / 1000 / elapsed
                if other > 0.25 { noisyRounds[k] += 1 }
                tallies[k].roundOther.append(other)
                let good = results.filter { $0.ok && $0.firstToken != nil }
                let ft = good.compactMap(\.firstToken).sorted()
                tallies[k].firstTokens += ft
                tallies[k].roundP50s.append(quantile(ft, 0.5))
                tallies[k].requests += good.count
                tallies[k].failures += results.count - good.count
                tallies[k].contentEvents += good.reduce(0) { $0 + $1.contentEvents }
                tallies[k].cpuMs += cpu
                tallies[k].seconds += elapsed
                log("c=\(c) round \(r + 1) \(targets[k].name): \(good.count) streams (\(results.count - good.count) failed), first token p50 \(f(quantile(ft, 0.5))) p99 \(f(quantile(ft, 0.99))) ms, gateway CPU \(f(cpu, 0)) ms in \(f(elapsed, 1)) s, other work on the machine \(f(other, 2)) cores")
            }
        }
        let d = tallies[0], g = tallies[1]
        let ds = d.firstTokens.sorted(), gs = g.firstTokens.sorted()
        let dp50 = quantile(ds, 0.5), dp99 = quantile(ds, 0.99), gp50 = quantile(gs, 0.5), gp99 = quantile(gs, 0.99)
        let perRound = zip(g.roundP50s, d.roundP50s).map { $0 - $1 }
        // rounds where neither path shared the machine with more than a quarter of a core of other work
        let quiet = perRound.indices.filter { g.roundOther[$0] <= 0.25 && d.roundOther[$0] <= 0.25 }.map { perRound[$0] }
        let chunksThrough = g.requests * chunks
        let cpuPer1000 = g.cpuMs / Double(max(1, chunksThrough)) * 1000
        let idle = d.cpuMs / max(0.001, d.seconds)
        lines.append("| \(c) | \(f(dp50)) / \(f(dp99)) | \(f(gp50)) / \(f(gp99)) | **\(f(gp50 - dp50))** / \(f(gp99 - dp99)) | \(f(median(perRound))) · \(quiet.isEmpty ? "–" : f(median(quiet))) (\(quiet.count)) | **\(f(cpuPer1000, 1))** | \(grouped(d.requests)) / \(grouped(g.requests)) | \(d.failures) / \(g.failures) | \(f(Double(g.contentEvents) / Double(max(1, g.requests)), 1)) | \(f(idle, 1)) |")
        log("c=\(c): gateway CPU \(f(g.cpuMs, 0)) ms for \(grouped(chunksThrough)) chunks (\(grouped(g.requests)) streams) in \(f(g.seconds, 1)) s = \(f(g.cpuMs / g.seconds / 10, 0))% of a core")
    }
    for p in pools { await p.close() }
    print("| streams | direct p50 / p99 (ms) | gateway p50 / p99 (ms) | added p50 / p99 (ms) | added p50, median of rounds: all · quiet (n) | gateway CPU ms / 1,000 chunks | streams direct / gateway | failed direct / gateway | delta events per gateway stream | gateway CPU while idle (ms/s) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for l in lines { print(l) }
    print()
    print("\(rounds) rounds × \(f(seconds, 0)) s per path and level, alternating; \(chunks) chunks per stream, first after \(args.int("first", 20)) ms, then every \(args.int("interval", 20)) ms; p50/p99 pooled over the rounds. Rounds during which other processes used more than a quarter of a core: \(noisyRounds[0]) direct, \(noisyRounds[1]) gateway (of \(rounds * levels.count) each).")
}

// MARK: - trace

/// One stream at a time, alternating direct and gateway: where the added first-token time goes —
/// before the request reaches the endpoint (client → gateway → endpoint) or on the way back (the
/// endpoint's first chunk → the client's first content event). The endpoint logs, on the same
/// monotonic clock, when each request arrived and when it wrote the first chunk.
func trace() async throws {
    let endpoint = args.string("endpoint"), gateway = args.string("gateway"), token = args.string("token")
    let n = args.int("requests", 200), chunks = args.int("chunks", 2)
    let targets = [Target.direct(endpoint, chunks: chunks), Target.gateway(gateway, token: token, chunks: chunks)]
    let traceTarget = Target.get(endpoint.replacingOccurrences(of: "/v1", with: "") + "/bench/trace")
    let slots = [Slot(), Slot(), Slot()]
    func fetchTrace() async throws -> [(Int64, Int64)] {
        let r = await stream(slots[2], traceTarget)
        return String(buffer: r.body ?? ByteBuffer()).split(separator: "\n").compactMap { l in
            let p = l.split(separator: " ").compactMap { Int64($0) }
            return p.count == 2 ? (p[0], p[1]) : nil
        }
    }
    for k in 0..<2 { for _ in 0..<5 { _ = await stream(slots[k], targets[k]) } }
    _ = try await fetchTrace()
    var there: [[Double]] = [[], []], wait: [[Double]] = [[], []], back: [[Double]] = [[], []], total: [[Double]] = [[], []]
    for i in 0..<(2 * n) {
        let k = i % 2
        let t0 = monotonicNanoseconds()
        let r = await stream(slots[k], targets[k])
        let e = try await fetchTrace()
        guard r.ok, let ft = r.firstToken, e.count == 1 else { continue }
        let first = t0 + Int64(ft * 1e6)
        there[k].append(Double(e[0].0 - t0) / 1e6)
        wait[k].append(Double(e[0].1 - e[0].0) / 1e6)
        back[k].append(Double(first - e[0].1) / 1e6)
        total[k].append(ft)
    }
    for s in slots { if let c = s.channel { try? await c.close() } }
    print("| one stream at a time, median (ms) | direct | gateway | added |")
    print("|---|---|---|---|")
    for (name, xs) in [("request sent → it reaches the endpoint", there), ("endpoint: arrival → first chunk written", wait),
                       ("first chunk written → client has the first content event", back), ("time to first token", total)] {
        let d = median(xs[0]), g = median(xs[1])
        print("| \(name) | \(f(d, 3)) | \(f(g, 3)) | **\(f(g - d, 3))** |")
    }
    print()
    print("\(there[0].count) / \(there[1].count) streams of \(chunks) chunks, alternating.")
}

// MARK: - split

/// The gateway's CPU split into a cost per stream and a cost per chunk: streams of `short` and of
/// `long` chunks through the gateway alone, rounds alternating; CPU per stream = a + b × chunks.
func split() async throws {
    let gateway = args.string("gateway"), token = args.string("token", "")
    let pid = Int32(args.int("gateway-pid", 0))
    let c = args.int("concurrency", 50), rounds = args.int("rounds", 3), seconds = args.double("duration", 5)
    let lengths = [args.int("short", 5), args.int("long", 100)]
    let interval = args.int("interval", 20)
    let pools = [Pool(c), Pool(c)]
    let direct = args.string("target", "gateway") == "direct"
    func target(_ chunks: Int) -> Target {
        direct ? .direct(gateway, chunks: chunks) : .gateway(gateway, token: token, chunks: chunks)
    }
    var cpu = [0.0, 0.0], streams = [0, 0], failed = [0, 0]
    for k in 0..<2 {
        _ = await round(pools[k], target(lengths[k]), concurrency: c, seconds: 1.5, spread: .milliseconds(interval * lengths[k]))
    }
    for r in 0..<rounds {
        for k in (r % 2 == 0 ? [0, 1] : [1, 0]) {
            let cpu0 = Proc.cpuMilliseconds(pid)
            let results = await round(pools[k], target(lengths[k]), concurrency: c, seconds: seconds,
                                      spread: .milliseconds(interval * lengths[k]))
            cpu[k] += Proc.cpuMilliseconds(pid) - cpu0
            let good = results.filter(\.ok).count
            streams[k] += good
            failed[k] += results.count - good
        }
    }
    for p in pools { await p.close() }
    let perStream = (0..<2).map { cpu[$0] / Double(max(1, streams[$0])) }
    let b = (perStream[1] - perStream[0]) / Double(lengths[1] - lengths[0])
    let a = perStream[0] - b * Double(lengths[0])
    print("| chunks per stream | streams | failed | gateway CPU per stream (ms) | per 1,000 chunks, all in (ms) |")
    print("|---|---|---|---|---|")
    for k in 0..<2 {
        print("| \(lengths[k]) | \(grouped(streams[k])) | \(failed[k]) | \(f(perStream[k], 3)) | \(f(perStream[k] / Double(lengths[k]) * 1000, 1)) |")
    }
    print()
    print("Fit, CPU per stream = a + b × chunks: **a = \(f(a, 3)) ms per stream** (request, authentication, screening, scheduler, ledger), **b = \(f(b * 1000, 3)) µs per chunk = \(f(b * 1000, 1)) ms per 1,000 chunks** (\(c) concurrent streams, \(rounds) rounds × \(f(seconds, 0)) s each, alternating).")
}

// MARK: - memory

func memory() async throws {
    let gateway = args.string("gateway"), token = args.string("token")
    let pid = Int32(args.int("gateway-pid", 0))
    let total = args.int("requests", 100_000), concurrency = args.int("concurrency", 200)
    let chunks = args.int("chunks", 4), every = args.int("every", 10_000)
    let pool = Pool(concurrency)
    let target = Target.gateway(gateway, token: token, chunks: chunks)
    let run = MemoryRun()
    let before = Proc.rssKiB(pid)
    let start = ContinuousClock.now
    await withTaskGroup(of: Void.self) { g in
        for w in 0..<concurrency {
            g.addTask {
                while run.issued.withLock({ n -> Bool in
                    guard n < total else { return false }
                    n += 1
                    return true
                }) {
                    let r = await stream(pool.slots[w], target)
                    let sample = run.state.withLock { s -> Int? in
                        s.done += 1
                        if !r.ok { s.failed += 1 }
                        return s.done % every == 0 ? s.done : nil
                    }
                    if let n = sample {
                        let rss = Proc.rssKiB(pid)
                        let t = Double((ContinuousClock.now - start) / .milliseconds(1)) / 1000
                        run.state.withLock { $0.samples.append((n, rss, t)) }
                        log("memory: \(grouped(n)) streams, RSS \(f(Double(rss) / 1024, 1)) MB, \(f(t, 1)) s")
                    }
                }
            }
        }
    }
    let elapsed = Double((ContinuousClock.now - start) / .milliseconds(1)) / 1000
    try await Task.sleep(for: .seconds(3))
    let after = Proc.rssKiB(pid)
    await pool.close()
    let s = run.state.withLock { $0 }
    let samples = s.samples.sorted { $0.0 < $1.0 }
    func mb(_ k: Int) -> String { f(Double(k) / 1024, 1) }
    print("| streams through the gateway | RSS (MB) | elapsed (s) |")
    print("|---|---|---|")
    print("| 0 (before) | \(mb(before)) | 0 |")
    for (n, rss, t) in samples { print("| \(grouped(n)) | \(mb(rss)) | \(f(t, 1)) |") }
    print("| idle 3 s after | \(mb(after)) | |")
    print()
    let first = samples.first?.1 ?? 0, last = samples.last?.1 ?? 0, peak = samples.map(\.1).max() ?? 0
    print("\(grouped(s.done)) streams (\(s.failed) failed) of \(chunks) chunks at concurrency \(concurrency) in \(f(elapsed, 1)) s (\(f(Double(s.done) / elapsed, 0)) streams/s); RSS at \(grouped(samples.first?.0 ?? 0)): \(mb(first)) MB, at \(grouped(samples.last?.0 ?? 0)): \(mb(last)) MB (\(last >= first ? "+" : "")\(mb(last - first)) MB), peak \(mb(peak)) MB.")
}

final class MemoryRun: Sendable {
    let issued = Mutex(0)
    let state = Mutex((done: 0, failed: 0, samples: [(Int, Int, Double)]()))
}
