import Companion
import Foundation
import Inference
import QianxueCore
import SQLKit

/// One turn of an open-loop run: when it was due, how late the driver started it, how long from
/// due until its last event, and how it ended (`ok`, or the refusal or failure).
struct TurnRecord: Sendable {
    let due: Double
    let lagMs: Double
    let totalMs: Double
    let endedAt: Double
    let outcome: String
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// Offers `sessions` senders one turn each every `interval` seconds, staggered evenly, for
/// `duration` seconds, whatever the answers' times (open loop): `turn(session, k)` runs in its own
/// task at its due time. Times count from the due time, so a late start counts against the turn.
func openLoop(sessions: Int, interval: Double, duration: Double,
              _ turn: @escaping @Sendable (_ session: Int, _ k: Int) async -> String) async -> [TurnRecord] {
    var plan: [(at: Double, session: Int, k: Int)] = []
    for s in 0..<sessions {
        var t = interval * Double(s) / Double(sessions)
        var k = 0
        while t < duration { plan.append((t, s, k)); t += interval; k += 1 }
    }
    plan.sort { $0.at < $1.at }
    let start = ContinuousClock.now
    return await withTaskGroup(of: TurnRecord.self) { group in
        for item in plan {
            let due = start + .nanoseconds(Int64(item.at * 1e9))
            try? await Task.sleep(until: due, clock: .continuous)
            group.addTask {
                let called = ContinuousClock.now
                let outcome = await turn(item.session, item.k)
                let end = ContinuousClock.now
                return TurnRecord(due: item.at, lagMs: seconds(called - due) * 1000, totalMs: seconds(end - due) * 1000,
                                  endedAt: seconds(end - start), outcome: outcome)
            }
        }
        var out: [TurnRecord] = []
        for await r in group { out.append(r) }
        return out
    }
}

/// The companion path: `send`, then every event until the stream ends (the reply is stored before
/// `done` is yielded, and `done` is the last event).
func companionTurn(_ service: CompanionService, _ student: SeededStudent, _ k: Int) async -> String {
    do {
        let turn = try await service.send(student.session, content: questions[k % questions.count], by: student.principal)
        var finish = "no done"
        var flagged = false
        for await e in turn.events {
            switch e {
            case .done(let d): finish = d.finishReason
            case .error(let err): finish = "error: \(err)"
            case .flag: flagged = true
            case .delta: break
            }
        }
        if finish != "stop" { return "finish \(finish)" }
        return flagged ? "ok, flagged" : "ok"
    } catch {
        return classify(error)
    }
}

/// The direct path: the provider alone, its stream read to the end.
func directTurn(_ provider: any InferenceProvider, _ request: ChatRequest) async -> String {
    do {
        for try await _ in provider.stream(request) {}
        return "ok"
    } catch {
        return "error"
    }
}

/// A refusal as the API would answer it: status and problem type.
func classify(_ error: any Error) -> String {
    switch error {
    case let e as AppError: return "\(e.type.status) \(e.type.rawValue)"
    case let e as SchedulerError:
        switch e {
        case .streamInProgress: return "429 stream-in-progress"
        case .overloaded: return "503 overloaded"
        }
    case is QuotaExceeded: return "429 quota-exceeded"
    case let e as ChatRefusal: return "4xx \(e)"
    default:
        // SQLite names the constraint; PostgreSQL's error hides its details from descriptions.
        let text = "\(error)"
        return text.contains("UNIQUE") ? "other \(type(of: error)) (\(text.suffix(60)))" : "other \(type(of: error))"
    }
}

/// The figures of one run.
struct Summary {
    let offered: Double
    let achieved: Double
    let ok: Int
    let p50: Double, p95: Double, p99: Double
    let lagP95: Double
    let others: String

    init(_ records: [TurnRecord], duration: Double) {
        let good = records.filter { $0.outcome.hasPrefix("ok") }
        let times = good.map(\.totalMs).sorted()
        func pct(_ xs: [Double], _ p: Double) -> Double {
            xs.isEmpty ? .nan : xs[min(xs.count - 1, Int((Double(xs.count - 1) * p).rounded()))]
        }
        offered = Double(records.count) / duration
        let span = max(duration, good.map(\.endedAt).max() ?? duration)
        achieved = Double(good.count) / span
        ok = good.count
        p50 = pct(times, 0.50); p95 = pct(times, 0.95); p99 = pct(times, 0.99)
        lagP95 = pct(records.map(\.lagMs).sorted(), 0.95)
        var tally: [String: Int] = [:]
        for r in records where r.outcome != "ok" { tally[r.outcome, default: 0] += 1 }
        others = tally.isEmpty ? "none" : tally.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: "; ")
    }
}

/// CPU seconds (user + system) used so far by this process, and by the PostgreSQL server's
/// processes on this machine (0 when there are none).
func cpuSeconds() -> (own: Double, postgres: Double) {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let own = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    var ticks = 0.0
    for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(pid) != nil {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")"), stat[..<close].hasSuffix("(postgres") else { continue }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        if fields.count > 12, let u = Double(fields[11]), let k = Double(fields[12]) { ticks += u + k }
    }
    return (own, ticks / Double(sysconf(Int32(_SC_CLK_TCK))))
}

/// Empties pg_stat_statements' counts (PostgreSQL started with it preloaded, as the run script does;
/// elsewhere nothing happens).
func resetStatements(_ sql: any SQLDatabase) async {
    _ = try? await sql.raw("SELECT pg_stat_statements_reset()").all()
}

/// Statements run in this database since the last reset, BEGIN and COMMIT included; nil without pg_stat_statements.
func statementsRun(_ sql: any SQLDatabase) async -> Int? {
    try? await sql.raw("""
        SELECT CAST(COALESCE(SUM(calls), 0) AS BIGINT) AS n FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        """).first()?.decode(column: "n", as: Int.self)
}

/// Each statement's text (constants as $n), calls and mean time in PostgreSQL (execution; planning
/// too when `pg_stat_statements.track_planning` is on, else 0) since the last reset, most called first.
func statementTexts(_ sql: any SQLDatabase) async -> [(calls: Int, execMs: Double, planMs: Double, query: String)] {
    let rows = (try? await sql.raw("""
        SELECT CAST(calls AS BIGINT) AS calls, CAST(mean_exec_time AS DOUBLE PRECISION) AS exec_ms,
               CAST(CASE WHEN plans > 0 THEN total_plan_time / plans ELSE 0 END AS DOUBLE PRECISION) AS plan_ms, query
        FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY calls DESC, query
        """).all()) ?? []
    return rows.compactMap { row in
        guard let calls = try? row.decode(column: "calls", as: Int.self), let query = try? row.decode(column: "query", as: String.self),
              let exec = try? row.decode(column: "exec_ms", as: Double.self), let plan = try? row.decode(column: "plan_ms", as: Double.self)
        else { return nil }
        return (calls, exec, plan, query)
    }
}
