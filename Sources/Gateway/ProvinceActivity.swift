import Foundation
import Persistence
import QianxueCore
import Registry
import SQLKit

/// A term of activity for the generated province (`qianxue seed province-activity`), for the
/// regional reports' benchmark: every generated student's finished AI-literacy test in two terms,
/// per-school daily usage rollups for the school days of one term (companion, assistant, inference,
/// safety flags), the teachers' weeks with the assistant and their training units — and, for one
/// region (a prefecture), the raw rows behind its usage: companion sessions and messages, daily
/// companion minutes, the inference ledger, safety flags, assistant drafts.
///
/// PostgreSQL only: each step is one set-based `INSERT … SELECT` in one transaction, and the step is
/// marked done in `seed_progress` in that transaction, so that a run that stopped resumes with the
/// next step and a finished one changes nothing. Deterministic without `setseed`: every random
/// number is a hash of the seed, a row's key and a salt (`hashtextextended`), so it does not depend
/// on the order rows come in. Attempts and the rollups are written as the services write them
/// (the result JSON as `AssessmentService` stores it; the rollups equal what `ReportRollups.rebuild`
/// counts from the raw rows, where there are raw rows).
public struct ProvinceActivity: Sendable {
    public struct Settings: Sendable {
        /// The term of the usage and of the second test.
        public var term = "2026-2027-1"
        /// The term of the first test.
        public var previous = "2025-2026-2"
        /// The region whose usage is also written as raw rows (a prefecture; `52` for all).
        public var usagePrefecture = "5203"
        /// The last day of usage (default: the term's last school day).
        public var through: String?
        public var seed: UInt64 = 42
        /// Steps of different counties run this many at a time (each in its own transaction).
        public var parallel = 2
        public init() {}
    }

    /// One step done (or found done by an earlier run).
    public struct StepReport: Sendable {
        public let name: String
        public let index: Int
        public let total: Int
        /// Rows written (0 when skipped).
        public let rows: Int
        public let skipped: Bool
        public let seconds: Double
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    let database: DatabaseStack
    let settings: Settings
    let term: AcademicTerm
    let previous: AcademicTerm
    let region: String

    public init(database: DatabaseStack, regions: RegionDirectory, settings: Settings) throws {
        guard let term = AcademicTerm(settings.term) else { throw Failure(description: "--term \(settings.term) is not a term such as 2026-2027-1") }
        guard let previous = AcademicTerm(settings.previous) else {
            throw Failure(description: "--previous \(settings.previous) is not a term such as 2025-2026-2")
        }
        guard previous.description != term.description else { throw Failure(description: "--previous must be another term than --term") }
        guard let code = RegionCode(settings.usagePrefecture), regions.region(code) != nil else {
            throw Failure(description: "--usage-prefecture \(settings.usagePrefecture) is not a region code of the province (e.g. 5203)")
        }
        if let through = settings.through, PlatformCalendar.parseDay(through) == nil {
            throw Failure(description: "--through \(through) is not a day YYYY-MM-DD")
        }
        self.database = database
        self.settings = settings
        self.term = term
        self.previous = previous
        self.region = code.rawValue
    }

    /// Runs the steps not done yet, in order, reporting after each.
    @discardableResult
    public func run(progress: @Sendable (StepReport) -> Void) async throws -> [StepReport] {
        guard database.isPostgres else {
            throw Failure(description: "seed province-activity needs PostgreSQL (set DATABASE_URL): it writes with set-based SQL that has no SQLite version")
        }
        let calendar = SchoolCalendar(term: term, through: settings.through)
        guard !calendar.days.isEmpty else { throw Failure(description: "no school day of \(term) falls on or before \(settings.through ?? "")") }
        let counties = try await database.sql.raw("""
            SELECT DISTINCT county_code FROM schools WHERE synthetic = true ORDER BY county_code
            """).all().map { try $0.decode(column: "county_code", as: String.self) }
        guard !counties.isEmpty else { throw Failure(description: "no generated schools: run `qianxue seed province` first") }
        guard counties.allSatisfy({ $0.allSatisfy(\.isNumber) }) else { throw Failure(description: "a generated school has a county code that is not digits") }
        let sql = ActivitySQL(seed: settings.seed, calendar: calendar, term: term, region: region)

        var plan: [Step] = [Step(name: "enrolment") { try await sql.enrolment(on: $0) }]
        for (t, gain) in [(previous, 0.0), (term, 0.25)] {
            let window = SchoolCalendar(term: t, through: nil).assessmentWindow
            for county in counties {
                plan.append(Step(name: "literacy \(t) \(county)", parallel: true) {
                    try await sql.literacy(term: t, gain: gain, window: window, county: county, on: $0)
                })
            }
        }
        plan.append(Step(name: "assistant \(term)") { try await sql.drafts(on: $0) })
        plan.append(Step(name: "companion rollups \(term)") { try await sql.companionRollups(on: $0) })
        for county in counties where county.hasPrefix(region) {
            plan.append(Step(name: "companion raw \(term) \(county)", parallel: true) { try await sql.companionRaw(county: county, on: $0) })
        }
        plan.append(Step(name: "training \(term)") { try await sql.training(on: $0) })

        let key = "activity:\(settings.seed):\(term):\(previous):\(region):\(calendar.days.last!)"
        var reports: [StepReport] = []
        let steps = plan
        var i = 0
        while i < steps.count {
            // A run of parallel steps goes `settings.parallel` at a time (a step starts when one ends); the others one by one.
            var end = i + 1
            while steps[i].parallel, end < steps.count, steps[end].parallel { end += 1 }
            let done = try await withThrowingTaskGroup(of: StepReport.self) { group in
                var next = i
                func start() {
                    let j = next
                    next += 1
                    group.addTask { try await self.perform(steps[j], key: key, index: j + 1, total: steps.count) }
                }
                while next < end, next - i < max(1, settings.parallel) { start() }
                var out: [StepReport] = []
                for try await r in group {
                    progress(r)
                    out.append(r)
                    if next < end { start() }
                }
                return out
            }
            reports += done.sorted { $0.index < $1.index }
            i = end
        }
        if reports.contains(where: { !$0.skipped }) {
            // Fresh statistics, so that the reports' queries are planned on the data as it now is.
            for table in ActivitySQL.tables { try await database.sql.raw("ANALYZE \(unsafeRaw: table)").run() }
        }
        return reports
    }

    /// One step of the run: its work, in one transaction with the mark that it is done.
    struct Step: Sendable {
        let name: String
        var parallel = false
        let work: @Sendable (any SQLDatabase) async throws -> Int
    }

    private func perform(_ step: Step, key: String, index: Int, total: Int) async throws -> StepReport {
        let started = Date()
        let name = "\(key):\(step.name)"
        if try await database.sql.raw("SELECT 1 AS done FROM seed_progress WHERE name = \(bind: name)").first() != nil {
            return StepReport(name: step.name, index: index, total: total, rows: 0, skipped: true, seconds: 0)
        }
        let rows = try await database.db.transaction { db in
            let sql = db as! any SQLDatabase
            try await sql.raw("SET LOCAL work_mem = '256MB'").run()
            let rows = try await step.work(sql)
            try await sql.raw("INSERT INTO seed_progress (name, next_index) VALUES (\(bind: name), 1)").run()
            return rows
        }
        return StepReport(name: step.name, index: index, total: total, rows: rows, skipped: false, seconds: Date().timeIntervalSince(started))
    }

    /// The database's size in bytes.
    public func databaseSize() async throws -> Int {
        try await database.sql.raw("SELECT pg_database_size(current_database()) AS n").first(decodingColumn: "n", as: Int.self) ?? 0
    }
}

/// The school days of a term: weekdays from 1 September to 22 January without the National Day week
/// and New Year's Day (autumn), or from the first Monday of March to 10 July without the May Day
/// holiday (spring); each week with its days and a use factor that grows over the term (0.6 in
/// the first week, 1.1 in the last).
struct SchoolCalendar: Sendable {
    struct Week: Sendable {
        let monday: String
        let days: [String]
        let ramp: Double
    }

    let days: [String]
    let weeks: [Week]
    /// The days an assessment window of the term covers (three weeks in October or May).
    let assessmentWindow: [String]
    let first: String
    let last: String

    init(term: AcademicTerm, through: String?) {
        let y = term.startYear
        let (from, to, holidays, window): (String, String, [String], (String, String))
        if term.half == 1 {
            from = "\(y)-09-01"
            to = "\(y + 1)-01-22"
            holidays = PlatformCalendar.days(from: "\(y)-10-01", through: "\(y)-10-07") + ["\(y + 1)-01-01"]
            window = ("\(y)-10-12", "\(y)-10-30")
        } else {
            from = "\(y + 1)-03-01"
            to = "\(y + 1)-07-10"
            holidays = PlatformCalendar.days(from: "\(y + 1)-05-01", through: "\(y + 1)-05-05")
            window = ("\(y + 1)-05-11", "\(y + 1)-05-29")
        }
        let all = PlatformCalendar.days(from: from, through: to).filter { d in
            !holidays.contains(d) && Self.weekday(d) < 5
        }
        var mondays: [String] = []
        for d in all where mondays.last != PlatformCalendar.weekStart(ofDay: d) { mondays.append(PlatformCalendar.weekStart(ofDay: d)) }
        let kept = all.filter { through == nil || $0 <= through! }
        days = kept
        weeks = mondays.enumerated().compactMap { i, monday in
            let own = kept.filter { PlatformCalendar.weekStart(ofDay: $0) == monday }
            guard !own.isEmpty else { return nil }
            return Week(monday: monday, days: own, ramp: 0.6 + 0.5 * Double(i) / Double(max(1, mondays.count - 1)))
        }
        assessmentWindow = all.filter { $0 >= window.0 && $0 <= window.1 }
        first = all.first ?? from
        last = kept.last ?? to
    }

    /// 0 for Monday … 6 for Sunday.
    static func weekday(_ day: String) -> Int {
        PlatformCalendar.days(from: PlatformCalendar.weekStart(ofDay: day), through: day).count - 1
    }

    /// The ramp of the week `day` falls in.
    func ramp(of day: String) -> Double {
        weeks.first { $0.monday == PlatformCalendar.weekStart(ofDay: day) }?.ramp ?? 1
    }
}
