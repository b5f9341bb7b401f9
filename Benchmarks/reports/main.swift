// answers-load: the open-loop load of adaptive-test answers of Benchmarks/reports/run, as
// answers.py offers it — the same students (a bearer token per line), the same schedule (student i
// of N first due at t0 + interval·i/N, then every interval = N / rate seconds), the same answers
// (a random option, options or order of the item asked; a written answer for anything else), and
// latency counted the same way, from each answer's due time — on one NIO event loop instead of
// Python's asyncio, so that the generator takes less of the two cores the server and PostgreSQL
// share with it. Prints answers.py's JSON object, with the generator's own CPU, how late its sends
// left (send_lag), and the seconds in which more than 5% of answers took over 50 ms.
//
// `--pacing fixed` (the default, answers.py's schedule) answers every interval exactly: every
// student's adaptive test has about the same length, so all of them finish — and start the next —
// within the same second, every ~22 s at 500/s (the load's own artefact: the server sees 3× the
// requests, the heavier ones, in that second). `--pacing poisson` draws each student's next due
// time from an exponential distribution with the same mean (independent students, as a province's
// arrive): the same offered rate, the tests' ends spread out. Seeded per student: both binaries of a
// run get the same schedule.
//
//   answers-load --port 8080 --tokens tokens.txt --rate 500 --seconds 60 [--pacing fixed|poisson]
import Foundation
import NIOCore
import NIOPosix

struct Options {
    var port = 0, tokensPath = "", rate = 500.0, seconds = 60.0, poisson = false

    init(_ args: [String]) {
        var arguments = args[...]
        while let a = arguments.popFirst() {
            guard let v = arguments.popFirst() else { fatalError("\(a) needs a value") }
            switch a {
            case "--port": port = Int(v)!
            case "--tokens": tokensPath = v
            case "--rate": rate = Double(v)!
            case "--seconds": seconds = Double(v)!
            case "--pacing":
                guard v == "fixed" || v == "poisson" else { fatalError("--pacing is fixed or poisson") }
                poisson = v == "poisson"
            default: fatalError("unknown option \(a)")
            }
        }
    }
}

func percentile(_ xs: [Double], _ p: Double) -> Any {
    guard !xs.isEmpty else { return NSNull() }
    let s = xs.sorted()
    return (s[min(s.count - 1, Int(Double(s.count) * p))] * 100).rounded() / 100
}

func cpuMilliseconds() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000 + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000
}

func run(_ o: Options) async throws -> String {
    let tokens = try String(contentsOfFile: o.tokensPath, encoding: .utf8).split(separator: "\n")
        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard !tokens.isEmpty, o.port > 0 else { fatalError("usage: answers-load --port P --tokens FILE [--rate R] [--seconds S]") }
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let loop = group.next()
    let tally = Tally()
    let interval = Int64(Double(tokens.count) / o.rate * 1e9)
    let t0 = Student.now() + 1_000_000_000
    let wallT0 = Date().addingTimeInterval(1)
    let end = t0 + Int64(o.seconds * 1e9)
    let finished = loop.makePromise(of: Void.self)
    let port = o.port
    try await loop.submit {
        let counter = Tally()
        counter.starts = tokens.count
        for (i, token) in tokens.enumerated() {
            let s = Student(index: i, count: tokens.count, token: token, connection: StudentConnection(loop: loop, port: port), tally: tally,
                            interval: interval, poisson: o.poisson, t0: t0, end: end) {
                counter.starts -= 1
                if counter.starts == 0 { finished.succeed() }
            }
            s.schedule()
        }
    }.get()
    try await finished.futureResult.get()
    let elapsed = Double(Student.now() - t0) / 1e9
    defer { group.shutdownGracefully { _ in } }
    let cpuMs = cpuMilliseconds()
    return try await loop.submit {
        let a = tally.answerMs
        let clock = DateFormatter()
        clock.dateFormat = "HH:mm:ss"
        clock.timeZone = TimeZone(identifier: "UTC")
        let slow = tally.perSecond.keys.sorted().filter { k in
            let s = tally.perSecond[k]!
            return s.slow * 20 > s.answers
        }.map { k in "\(clock.string(from: wallT0.addingTimeInterval(Double(k)))) \(tally.perSecond[k]!.slow)/\(tally.perSecond[k]!.answers)" }
        // Each second: answers due, those over 50 ms, attempts finished, attempts started.
        let seconds = Set(tally.perSecond.keys).union(tally.turnovers.keys).sorted()
        let timeline = seconds.map { k -> String in
            let a = tally.perSecond[k] ?? (0, 0), t = tally.turnovers[k] ?? (0, 0)
            return "\(clock.string(from: wallT0.addingTimeInterval(Double(k)))) \(a.answers) \(a.slow) \(t.finished) \(t.started)"
        }
        let summary: [String: Any] = [
            "generator": "answers-load (Swift NIO, one event loop)", "pacing": o.poisson ? "poisson" : "fixed",
            "students": tokens.count, "offered_per_s": o.rate, "seconds": (elapsed * 10).rounded() / 10,
            "answers": a.count, "achieved_per_s": (Double(a.count) / o.seconds * 10).rounded() / 10,
            "p50_ms": percentile(a, 0.5), "p95_ms": percentile(a, 0.95), "p99_ms": percentile(a, 0.99), "max_ms": percentile(a, 1.0),
            "starts": tally.starts, "start_p95_ms": percentile(tally.startMs, 0.95), "finished": tally.finished,
            "errors": tally.errors.count, "first_errors": Array(tally.errors.prefix(5)),
            "send_lag_p50_ms": percentile(tally.sendLagMs, 0.5), "send_lag_p95_ms": percentile(tally.sendLagMs, 0.95),
            "generator_cpu_ms": cpuMs.rounded(), "slow_seconds_utc": slow,
            "timeline_utc_answers_slow_finished_started": timeline,
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self)
    }.get()
}

print(try await run(Options(Array(CommandLine.arguments.dropFirst()))))
