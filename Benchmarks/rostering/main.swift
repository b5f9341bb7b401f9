import FluentSQLiteDriver
import Foundation
import Gateway
import Logging
import Persistence
import Registry

// OneRoster import benchmark (registry issue: importing a package takes at most 3× what the direct
// path needs for the same rows into the same tables — `psql \copy` on PostgreSQL, one transaction of
// prepared multi-row INSERTs on SQLite).
//
//   roster-bench --package DIR [--rounds 3] [--county 520302]
//   DATABASE_URL=postgres://…/postgres roster-bench …   (PostgreSQL: a database per run is created
//                                                          there from a migrated template; else SQLite
//                                                          files in TMPDIR)
//
// Each round, interleaved (the order flips every round):
//   ours    a fresh database (migrated, with the seeded pilot schools), then
//           `RegistryService.importOneRoster(folder:)` — the code `qianxue import oneroster` and
//           `POST /v1/rostering/oneroster` run — timed from reading the files to the audit event;
//   again   the same files imported again into that database (must change nothing);
//   direct  a fresh database, then exactly the rows the first import wrote (schools, classes, users,
//           memberships, roster records, the enrolment rollup and the audit event, read back from the
//           first round's database beforehand) written the plain way: SQLite — one transaction of
//           prepared INSERTs of 500 rows each on one connection (synchronous = FULL, WAL, as the
//           platform runs); PostgreSQL — `psql -1` with one `\copy … FROM` of a prepared CSV per table.
// The direct load is checked to leave the same row counts. Medians over the rounds.

struct Options {
    var package = ""
    var rounds = 3
    var county = "520302"
    var psql = ProcessInfo.processInfo.environment["PSQL"] ?? "psql"

    init() {
        var args = CommandLine.arguments.dropFirst().makeIterator()
        while let a = args.next() {
            switch a {
            case "--package": package = args.next() ?? ""
            case "--rounds": rounds = Int(args.next() ?? "") ?? rounds
            case "--county": county = args.next() ?? county
            case "--psql": psql = args.next() ?? psql
            default: FileHandle.standardError.write(Data("unknown option \(a)\n".utf8)); exit(2)
            }
        }
        if package.isEmpty { FileHandle.standardError.write(Data("--package DIR is required\n".utf8)); exit(2) }
    }
}

func out(_ s: String = "") { FileHandle.standardOutput.write(Data((s + "\n").utf8)) }
func note(_ s: String) {
    let time = ISO8601DateFormatter().string(from: Date()).dropFirst(11).prefix(8)
    FileHandle.standardError.write(Data("[\(time)] \(s)\n".utf8))
}
func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
func f2(_ x: Double) -> String { String(format: "%.2f", x) }
func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

let options = Options()
LoggingSystem.bootstrap { label in
    var h = StreamLogHandler.standardError(label: label)
    h.logLevel = .critical
    return h
}
var logger = Logger(label: "roster-bench")
logger.logLevel = .critical
let clock = ContinuousClock()
let packageURL = URL(fileURLWithPath: options.package)
let adminURL = ProcessInfo.processInfo.environment["DATABASE_URL"]
let isPostgres = adminURL != nil
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("qianxue-roster-bench-\(getpid())")
try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
// psql runs as another user when the benchmark runs as root: let it read the prepared CSVs.
chmod(scratch.path, 0o755)
defer { try? FileManager.default.removeItem(at: scratch) }

/// The tables an import writes, in an order that keeps foreign keys satisfied, each with the rows
/// of it that the import wrote.
let tables: [(table: String, where: String)] = [
    ("schools", "id IN (SELECT local_id FROM roster_records WHERE kind = 'orgs')"),
    ("classes", "id IN (SELECT local_id FROM roster_records WHERE kind = 'classes')"),
    ("users", "id IN (SELECT local_id FROM roster_records WHERE kind = 'users')"),
    ("memberships", "id IN (SELECT local_id FROM roster_records WHERE kind = 'enrollments')"),
    ("roster_records", "1 = 1"),
    ("rollup_enrolment", "school_id IN (SELECT local_id FROM roster_records WHERE kind = 'orgs')"),
    ("audit_events", "action = 'roster.import'"),
]

// MARK: fresh databases from a migrated template

nonisolated(unsafe) var databaseCounter = 0
let templateName = "roster_bench_template_\(getpid())"

func postgresURL(_ database: String) -> String {
    var c = URLComponents(string: adminURL!)!
    c.path = "/" + database
    return c.string!
}

func openStack(_ location: DatabaseLocation) async throws -> DatabaseStack {
    try await DatabaseStack.open(location, logger: logger)
}

/// Makes the template once: migrations and seeds applied, as a server's first start leaves it.
func makeTemplate() async throws {
    if isPostgres {
        let admin = try await openStack(.postgres(url: adminURL!))
        try await admin.sql.raw("CREATE DATABASE \(unsafeRaw: templateName)").run()
        await admin.shutdown()
        let db = try await openStack(.postgres(url: postgresURL(templateName)))
        try await db.migrate(Platform.migrations, logger: logger)
        await db.shutdown()
    } else {
        let db = try await openStack(.sqlite(path: scratch.appendingPathComponent("template.sqlite").path))
        try await db.migrate(Platform.migrations, logger: logger)
        _ = try await db.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").all()
        await db.shutdown()
    }
}

/// A fresh copy of the template: its location, and how to drop it.
func freshDatabase() async throws -> (location: DatabaseLocation, name: String) {
    databaseCounter += 1
    if isPostgres {
        let name = "roster_bench_\(getpid())_\(databaseCounter)"
        let admin = try await openStack(.postgres(url: adminURL!))
        try await admin.sql.raw("CREATE DATABASE \(unsafeRaw: name) TEMPLATE \(unsafeRaw: templateName)").run()
        await admin.shutdown()
        return (.postgres(url: postgresURL(name)), name)
    }
    let path = scratch.appendingPathComponent("run-\(databaseCounter).sqlite").path
    try FileManager.default.copyItem(atPath: scratch.appendingPathComponent("template.sqlite").path, toPath: path)
    return (.sqlite(path: path), path)
}

func dropDatabase(_ name: String) async throws {
    if isPostgres {
        let admin = try await openStack(.postgres(url: adminURL!))
        try await admin.sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name)").run()
        await admin.shutdown()
    } else {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: name + suffix) }
    }
}

// MARK: our path

func registry(on db: DatabaseStack) async throws -> RegistryService {
    RegistryService(database: db, audit: AuditLog(database: db), hasher: BcryptHasher(), regions: try await RegionDirectory.load(from: db))
}

struct Ours {
    var first: Double
    var again: Double
    var counts: [String: Int]
}

/// The rows the first import wrote, kept for the direct path (SQLite: values; PostgreSQL: CSV files).
nonisolated(unsafe) var sqliteRows: [String: (columns: [String], rows: [[SQLiteData]])] = [:]
nonisolated(unsafe) var postgresFiles: [String: URL] = [:]
nonisolated(unsafe) var postgresColumns: [String: [String]] = [:]

func runOurs(keepRows: Bool) async throws -> Ours {
    let (location, name) = try await freshDatabase()
    let db = try await openStack(location)
    let r = try await registry(on: db)
    var report: OneRosterImportReport?
    let first = try await clock.measure {
        report = try await r.importOneRoster(folder: packageURL, county: options.county, by: nil)
    }
    guard let report, !report.changedNothing else { throw BenchFailure("the first import changed nothing") }
    let counts = try await rowCounts(db)
    if keepRows {
        try await keep(db, name: name)
        note(try await db.serverVersion())
    }
    var repeated: OneRosterImportReport?
    let again = try await clock.measure {
        repeated = try await r.importOneRoster(folder: packageURL, county: options.county, by: nil)
    }
    guard repeated?.changedNothing == true else { throw BenchFailure("the same files imported again changed something") }
    await db.shutdown()
    try await dropDatabase(name)
    return Ours(first: seconds(first), again: seconds(again), counts: counts)
}

func rowCounts(_ db: DatabaseStack) async throws -> [String: Int] {
    var counts: [String: Int] = [:]
    for t in tables {
        counts[t.table] = try await db.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: t.table) WHERE \(unsafeRaw: t.where)")
            .first(decodingColumn: "n", as: Int.self) ?? 0
    }
    return counts
}

func keep(_ db: DatabaseStack, name: String) async throws {
    if isPostgres {
        for t in tables {
            let file = scratch.appendingPathComponent("\(t.table).csv")
            try psql(database: name, "\\copy (SELECT * FROM \(t.table) WHERE \(t.where)) TO '\(file.path)' WITH (FORMAT csv)")
            postgresFiles[t.table] = file
            postgresColumns[t.table] = try await db.sql.raw("""
                SELECT column_name FROM information_schema.columns WHERE table_name = \(bind: t.table) ORDER BY ordinal_position
                """).all().map { try $0.decode(column: "column_name", as: String.self) }
        }
    } else {
        let lite = db.db as! any SQLiteDatabase
        for t in tables {
            let rows = try await lite.query("SELECT * FROM \(t.table) WHERE \(t.where)")
            let columns = rows.first?.columns.map(\.name) ?? []
            sqliteRows[t.table] = (columns, rows.map { $0.columns.map(\.data) })
        }
    }
}

// MARK: the direct path

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

@discardableResult
func psql(database: String, _ command: String? = nil, file: URL? = nil, singleTransaction: Bool = false) throws -> String {
    var c = URLComponents(string: adminURL!)!
    c.path = "/" + database
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    var args = [options.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", c.string!]
    if singleTransaction { args.append("-1") }
    if let command { args += ["-c", command] }
    if let file { args += ["-f", file.path] }
    p.arguments = args
    let pipe = Pipe(), errors = Pipe()
    p.standardOutput = pipe
    p.standardError = errors
    try p.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    let problems = errors.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw BenchFailure("psql failed: \(String(decoding: problems, as: UTF8.self))") }
    return String(decoding: output, as: UTF8.self)
}

func runDirect(expect counts: [String: Int]) async throws -> Double {
    let (location, name) = try await freshDatabase()
    var elapsed = 0.0
    if isPostgres {
        let script = scratch.appendingPathComponent("load.sql")
        try tables.map { t in
            "\\copy \(t.table) (\(postgresColumns[t.table]!.joined(separator: ", "))) FROM '\(postgresFiles[t.table]!.path)' WITH (FORMAT csv)"
        }.joined(separator: "\n").appending("\n").write(to: script, atomically: true, encoding: .utf8)
        elapsed = seconds(try clock.measure { try psql(database: name, file: script, singleTransaction: true) })
        let db = try await openStack(location)
        try await check(db, counts)
        await db.shutdown()
    } else {
        let db = try await openStack(location)   // WAL, synchronous = FULL, as the platform runs
        let lite = db.db as! any SQLiteDatabase
        // The statements' text is made before the clock starts: only preparing, binding and writing count.
        var statements: [(sql: String, binds: [SQLiteData])] = []
        for t in tables {
            guard let kept = sqliteRows[t.table], !kept.rows.isEmpty else { continue }
            let tuple = "(" + Array(repeating: "?", count: kept.columns.count).joined(separator: ",") + ")"
            for start in stride(from: 0, to: kept.rows.count, by: 500) {
                let chunk = kept.rows[start..<min(start + 500, kept.rows.count)]
                statements.append(("INSERT INTO \(t.table) (\(kept.columns.joined(separator: ","))) VALUES "
                                   + Array(repeating: tuple, count: chunk.count).joined(separator: ","), chunk.flatMap { $0 }))
            }
        }
        let ready = statements
        elapsed = seconds(try await clock.measure {
            try await lite.withConnection { conn in
                _ = try await conn.query("BEGIN")
                for s in ready { _ = try await conn.query(s.sql, s.binds) }
                _ = try await conn.query("COMMIT")
            }
        })
        try await check(db, counts)
        await db.shutdown()
    }
    try await dropDatabase(name)
    return elapsed
}

func check(_ db: DatabaseStack, _ counts: [String: Int]) async throws {
    let direct = try await rowCounts(db)
    guard direct == counts else { throw BenchFailure("the direct path wrote \(direct), the import \(counts)") }
}

// MARK: the run

let engine = isPostgres ? "PostgreSQL" : "SQLite"
let students = (try? String(contentsOf: packageURL.appendingPathComponent("roles.csv"), encoding: .utf8))?
    .split(separator: "\r\n").filter { $0.contains(",student,") }.count ?? 0
note("\(engine): \(students) students, \(options.rounds) rounds")
try await makeTemplate()
var ours: [Ours] = []
var direct: [Double] = []
var counts: [String: Int] = [:]
// The direct path needs the rows of a first import: one import, not reported, before the rounds.
let warm = try await runOurs(keepRows: true)
counts = warm.counts
note("\(engine): warm-up import \(f2(warm.first)) s, again \(f2(warm.again)) s; rows \(counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
for round in 0..<options.rounds {
    if round % 2 == 0 {
        ours.append(try await runOurs(keepRows: false))
        direct.append(try await runDirect(expect: counts))
    } else {
        direct.append(try await runDirect(expect: counts))
        ours.append(try await runOurs(keepRows: false))
    }
    guard ours.last!.counts == counts else { throw BenchFailure("round \(round + 1) wrote \(ours.last!.counts), the first \(counts)") }
    note("\(engine) round \(round + 1): ours \(f2(ours.last!.first)) s (again \(f2(ours.last!.again)) s), direct \(f2(direct.last!)) s, ratio \(f2(ours.last!.first / direct.last!))")
}
if isPostgres { try await dropDatabase(templateName) }
let rows = counts.values.reduce(0, +)
let m = (first: median(ours.map(\.first)), again: median(ours.map(\.again)), direct: median(direct))
let ratios = zip(ours, direct).map { $0.first / $1 }
out("| \(engine) | \(students.formatted()) | \(rows.formatted()) | \(f2(m.first)) s | \(f2(m.again)) s | \(f2(m.direct)) s | **\(f2(m.first / m.direct))×** | \(ratios.map(f2).joined(separator: " · ")) | \(m.first / m.direct <= 3 ? "met" : "not met") |")
