import Companion
import Curriculum
import Foundation
import Gateway
import Inference
import Logging
import QianxueCore
import SQLKit

// Learning-companion overhead benchmark (companion issue: at 50 turns/s — 200 open sessions, one
// turn every 4 s each — what the companion adds to a turn besides the model's own time stays under
// 10 ms at p95 on PostgreSQL and under 25 ms on SQLite; report the highest load that still holds).
//
//   swift run -c release companion-bench [--rates 10,20,30,50,100,200] [--interval 4] [--seconds 25]
//                                        [--direct-seconds 5] [--class-size 50] [--lesson jr-ai-and-jobs] [--ledger-in-turn]
//   DATABASE_URL=postgres://… swift run -c release companion-bench …   (PostgreSQL; else a temporary SQLite)
//
// The platform is opened as the server opens it (migrations, registry, curriculum, ledger, quotas);
// the inference path is the real one (safety screens, scheduler with 1,000 slots, the server's
// ledger written in batches) over a provider that answers at once. Each step seeds fresh students
// (rate × interval of them, so nobody nears the daily limit), then offers the load open-loop: first
// through the provider alone (the direct path), then through `CompanionService.send` with the
// stream read to its end.

struct Options {
    var rates: [Double] = [10, 20, 30, 50, 100, 200]
    var interval = 4.0
    var seconds = 25.0
    var directSeconds = 5.0
    var classSize = 50
    var lesson = "jr-ai-and-jobs"
    var root = "Curriculum"
    /// An experiment only: SQLite's `synchronous` for this run (the platform sets FULL).
    var sqliteSynchronous: String?
    /// Print every statement of the last step with its calls per turn (PostgreSQL with pg_stat_statements).
    var listStatements = false
    /// A comparison only: write each ledger entry at once, in the turn, as before the ledger was
    /// batched (sessions 4–8 measured that way); the server batches.
    var ledgerInTurn = false

    init() {
        var args = CommandLine.arguments.dropFirst().makeIterator()
        while let a = args.next() {
            switch a {
            case "--rates": rates = (args.next() ?? "").split(separator: ",").compactMap { Double($0) }
            case "--interval": interval = Double(args.next() ?? "") ?? interval
            case "--seconds": seconds = Double(args.next() ?? "") ?? seconds
            case "--direct-seconds": directSeconds = Double(args.next() ?? "") ?? directSeconds
            case "--class-size": classSize = Int(args.next() ?? "") ?? classSize
            case "--lesson": lesson = args.next() ?? lesson
            case "--root": root = args.next() ?? root
            case "--sqlite-synchronous": sqliteSynchronous = args.next()
            case "--list-statements": listStatements = true
            case "--ledger-in-turn": ledgerInTurn = true
            default: FileHandle.standardError.write(Data("unknown option \(a)\n".utf8)); exit(2)
            }
        }
    }
}

func out(_ s: String = "") { FileHandle.standardOutput.write(Data((s + "\n").utf8)) }
func note(_ s: String) {
    let time = ISO8601DateFormatter().string(from: Date()).dropFirst(11).prefix(8)
    FileHandle.standardError.write(Data("[\(time)] \(s)\n".utf8))
}
func f1(_ x: Double) -> String { String(format: "%.1f", x) }
func f2(_ x: Double) -> String { String(format: "%.2f", x) }

let options = Options()
// The services log a reply or ledger entry they could not store; every such loss is counted below
// from the tables instead, so the log stays quiet.
LoggingSystem.bootstrap { label in
    var h = StreamLogHandler.standardError(label: label)
    h.logLevel = .critical
    return h
}
var logger = Logger(label: "companion-bench")
logger.logLevel = .critical
var config = AppConfig()
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("qianxue-companion-bench-\(getpid())")
config.dataDir = scratch.path
config.databaseURL = ProcessInfo.processInfo.environment["DATABASE_URL"]
config.curriculumPath = options.root
let engine = config.databaseURL == nil ? "SQLite" + (options.sqliteSynchronous.map { " (synchronous \($0))" } ?? "") : "PostgreSQL"
let targetMs = config.databaseURL == nil ? 25.0 : 10.0

// Other work in progress may leave a folder the loader refuses; the benchmark needs one lesson only.
let (content, problems) = CurriculumLoader.load(from: URL(fileURLWithPath: options.root))
if !problems.isEmpty { note("curriculum: \(problems.count) problem(s) ignored, first: \(problems[0])") }
let platform = try await Platform.open(config: config, logger: logger, curriculum: content)
if let mode = options.sqliteSynchronous, !platform.database.isPostgres {
    // One connection, on the stack's one event loop: the pragma holds for every query of the run.
    _ = try await platform.database.sql.raw("PRAGMA synchronous = \(unsafeRaw: mode)").all()
    note("experiment: SQLite synchronous = \(mode)")
}
var schedulerSettings = SchedulerSettings()
schedulerSettings.slots = 1_000
let provider = InstantProvider()
// The server's ledger and budgets (Platform.open: the ledger written in batches, budgets counting
// what waits to be written), around a provider that answers at once.
let ledger: (any InferenceLedger)? = options.ledgerInTurn ? SQLInferenceLedger(database: platform.database) : platform.inference.service.ledger
let inference = InferenceService(provider: provider, scheduler: InferenceScheduler(settings: schedulerSettings),
                                 ledger: ledger, quotas: platform.inference.service.quotas)
if options.ledgerInTurn { note("comparison: each ledger entry written in its turn (SQLInferenceLedger), not in batches") }
let companion = CompanionService(database: platform.database, registry: platform.registry, curriculum: platform.curriculum,
                                 inference: inference, audit: platform.audit,
                                 attemptsInProgress: { try await platform.assessment.hasAttemptInProgress($0) })
let seeder = try await Seeder.school(platform.registry, companion: companion, lesson: options.lesson, classSize: options.classSize)
let directRequest = ChatRequest(messages: [ChatMessage(.system, String(repeating: "你是一位初中学习伙伴。", count: 40)),
                                          ChatMessage(.user, questions[0])], maxCompletionTokens: 512)

/// Companion replies and ledger entries stored so far (every turn that ends with `done` must add one
/// of each; the ledger's waiting batch is written first).
func stored() async throws -> (replies: Int, ledger: Int) {
    await platform.inference.flushLedger()
    func count(_ q: SQLQueryString) async throws -> Int {
        try await platform.database.sql.raw(q).first()?.decode(column: "n", as: Int.self) ?? 0
    }
    return (try await count("SELECT COUNT(*) AS n FROM companion_messages WHERE role = 'companion'"),
            try await count("SELECT COUNT(*) AS n FROM inference_requests"))
}

// PostgreSQL started with pg_stat_statements preloaded (the run script does): statements per turn.
if platform.database.isPostgres { _ = try? await platform.database.sql.raw("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").run() }

// Warm-up: a few seconds at a low rate on students of their own, not reported.
let warm = try await seeder.students(40, tag: "warm")
_ = await openLoop(sessions: warm.count, interval: 2, duration: 4) { s, k in await companionTurn(companion, warm[s], k) }

out("| engine | offered turns/s | sessions | achieved turns/s | ok turns | not ok | direct p50 / p95 (ms) | companion p50 / p95 / p99 (ms) | overhead p50 / p95 / p99 (ms) | driver lag p95 (ms) | CPU ms / turn (process + PostgreSQL) | statements / turn | p95 < \(Int(targetMs)) ms |")
out("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
var highest: Double?
var lastTurns: Int?
var failedBelow = false
for (step, rate) in options.rates.enumerated() {
    let sessions = Int((rate * options.interval).rounded())
    note("\(engine): seeding \(sessions) students for \(Int(rate)) turns/s")
    let students = try await seeder.students(sessions, tag: "r\(step)")
    note("\(engine): direct path at \(Int(rate)) turns/s for \(Int(options.directSeconds)) s")
    let direct = Summary(await openLoop(sessions: sessions, interval: options.interval, duration: options.directSeconds) { _, _ in
        await directTurn(provider, directRequest)
    }, duration: options.directSeconds)
    note("\(engine): companion at \(Int(rate)) turns/s for \(Int(options.seconds)) s")
    let before = try await stored()
    let cpu0 = cpuSeconds()
    await resetStatements(platform.database.sql)
    let run = Summary(await openLoop(sessions: sessions, interval: options.interval, duration: options.seconds) { s, k in
        await companionTurn(companion, students[s], k)
    }, duration: options.seconds)
    let base = direct.p50
    let overhead = (run.p50 - base, run.p95 - base, run.p99 - base)
    let cpu1 = cpuSeconds()
    // the reset's own statement is left out
    let statementsPerTurn = await statementsRun(platform.database.sql).map { f1(Double($0 - 1) / Double(max(1, run.ok))) } ?? "–"
    lastTurns = run.ok
    let after = try await stored()
    let cpuPerTurn = (own: (cpu1.own - cpu0.own) * 1000 / Double(max(1, run.ok)), db: (cpu1.postgres - cpu0.postgres) * 1000 / Double(max(1, run.ok)))
    let lost = (replies: run.ok - (after.replies - before.replies), ledger: run.ok - (after.ledger - before.ledger))
    var others = run.others == "none" ? [] : [run.others]
    if lost.replies != 0 { others.append("reply not stored × \(lost.replies)") }
    if lost.ledger != 0 { others.append("ledger entry not written × \(lost.ledger)") }
    let refused = !others.isEmpty
    let held = overhead.1 < targetMs && !refused && run.achieved >= 0.95 * run.offered
    if held, !failedBelow { highest = rate } else if !held { failedBelow = true }
    out("| \(engine) | \(Int(rate)) | \(sessions) | \(f1(run.achieved)) | \(run.ok) | \(others.isEmpty ? "none" : others.joined(separator: "; ")) | \(f2(direct.p50)) / \(f2(direct.p95)) "
          + "| \(f1(run.p50)) / \(f1(run.p95)) / \(f1(run.p99)) | \(f1(overhead.0)) / **\(f1(overhead.1))** / \(f1(overhead.2)) "
          + "| \(f1(run.lagP95)) | \(f1(cpuPerTurn.own)) + \(f1(cpuPerTurn.db)) | \(statementsPerTurn) | \(held ? "met" : "not met") |")
}
out()
if options.listStatements, platform.database.isPostgres, let turns = lastTurns {
    out("Statements per turn at the last step, by text (pg_stat_statements): calls per turn, mean execution and planning ms")
    for (calls, exec, plan, query) in await statementTexts(platform.database.sql) {
        out(String(format: "%6.2f  %6.3f  %6.3f  ", Double(calls) / Double(max(1, turns)), exec, plan)
              + query.replacingOccurrences(of: "\n", with: " ").prefix(160))
    }
    out()
}
out("\(engine): highest offered load meeting p95 < \(Int(targetMs)) ms with no refusals: "
      + (highest.map { "\(Int($0)) turns/s" } ?? "none of the steps"))
let machine = "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
out("machine: \(machine); \(ISO8601DateFormatter().string(from: Date()).prefix(10)); \((try await platform.database.serverVersion()).components(separatedBy: " on ").first ?? "")")
await platform.shutdown()
if config.databaseURL == nil { try? FileManager.default.removeItem(at: scratch) }
