import Assessment
import Assistant
import Companion
import Foundation
@testable import Gateway
import Persistence
import QianxueCore
import Registry
import SQLKit
import Synchronization
import Testing
import TestSupport

/// Two schools rostered from a OneRoster package, a platform on a clock the test moves, and the
/// service calls a day of school makes: tests, a chat, drafts. For the report-rollup tests.
struct RollupWorld {
    let platform: Platform
    let clock: MovableClock
    let schoolA: UUID
    let schoolB: UUID

    /// Monday 12 October 2026, 09:00 in Guizhou: the autumn term 2026-2027-1.
    static let start = Date(timeIntervalSince1970: 1_791_766_800)

    static func with<T>(_ engine: DatabaseEngine, test: String = #function, _ body: (RollupWorld) async throws -> T) async throws -> T {
        try await TestDatabase.with(engine, migrations: Platform.migrations, key: "platform", test: test) { db in
            let clock = MovableClock(start)
            var config = AppConfig()
            config.port = 0
            let platform = try await Platform.open(config: config, logger: TestDatabase.logger, hasher: TestHasher(), database: db,
                                                   curriculum: GatewayFixture.shippedCurriculum, itemBank: GatewayFixture.shippedItemBank,
                                                   forms: GatewayFixture.shippedForms, now: { clock.now })
            let report = try await platform.registry.importOneRoster(folder: try roster(students: [
                ("S1", "s.one", "08", "ORG_A"), ("S2", "s.two", "08", "ORG_A"), ("S3", "s.three", "05", "ORG_A"), ("S4", "s.four", "08", "ORG_B"),
            ]), county: nil, by: nil)
            func school(_ name: String) async throws -> UUID {
                try #require(try await platform.database.sql.select().column("id").from("schools").where("name", .equal, name).first())
                    .decode(column: "id", as: UUID.self)
            }
            #expect(report.schoolIDs.count == 2)
            return try await body(RollupWorld(platform: platform, clock: clock, schoolA: try await school("黔学测试甲校"),
                                              schoolB: try await school("黔学测试乙校")))
        }
    }

    /// A OneRoster package of the two schools (甲 in 520302, 乙 in 520102) and these students.
    static func roster(students: [(id: String, username: String, grade: String, org: String)]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rollup-roster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let userLines: [String] = students.map { s in "\(s.id),active,,TRUE,\(s.username),,\(s.id),学生,,,,,,,\(s.grade),,,,,,\(s.org)," }
        let roleLines: [String] = students.map { s in "R_\(s.id),active,,\(s.id),primary,student,,,\(s.org)," }
        let usersHeader = "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,"
            + "agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns"
        let files: [String: String] = [
            "manifest": "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.orgs,bulk\nfile.users,bulk\nfile.roles,bulk\n",
            "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
                + "ORG_A,active,,黔学测试甲校,school,520302,\nORG_B,active,,黔学测试乙校,school,520102,\n",
            "users": ([usersHeader] + userLines).joined(separator: "\n") + "\n",
            "roles": (["sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId"] + roleLines)
                .joined(separator: "\n") + "\n",
        ]
        for (name, text) in files { try text.write(to: dir.appendingPathComponent("\(name).csv"), atomically: true, encoding: .utf8) }
        return dir
    }

    func principal(_ u: UserRecord) -> Principal {
        Principal(userID: u.id, username: u.username, role: u.role, schoolID: u.schoolID, regionCode: nil, tokenID: nil)
    }

    func student(_ username: String) async throws -> Principal {
        principal(try #require(try await platform.registry.user(username: username)))
    }

    /// Sits an adaptive test (or, with `formID`, a fixed form) to the end: keyed items right or
    /// wrong as asked, written items with a short text. One second passes per answer.
    @discardableResult
    func sit(_ p: Principal, formID: String? = nil, correct: Bool) async throws -> AttemptView {
        var view = try await platform.assessment.start(kind: formID == nil ? .adaptive : .form, formID: formID, by: p).view
        while view.status == .inProgress, let id = view.item?.id {
            clock.advance(1)
            view = try await platform.assessment.answer(view.id, itemID: id, answer: Self.answer(id, correct: correct), by: p)
        }
        return view
    }

    static func answer(_ itemID: String, correct: Bool) -> ItemAnswer {
        let item = GatewayFixture.shippedItemBank.item(id: itemID)!
        switch item.key {
        case .choice(let k): return .choice(correct ? k : item.options.first { $0.id != k }!.id)
        case .choices(let ks): return .choices(correct ? ks : [item.options.first { !ks.contains($0.id) }!.id])
        case .order(let o): return .order(correct ? o : o.reversed())
        case .rubric: return .text("我觉得要先想一想数据从哪里来")
        }
    }

    /// Sends a message in a session and reads the reply to its end (the reply is stored then).
    func say(_ text: String, in session: UUID, by p: Principal) async throws {
        let turn = try await platform.companion.send(session, content: text, by: p)
        for await _ in turn.events {}
    }

    /// Asks the assistant for a lesson plan and reads it to its end.
    func draft(by p: Principal, classID: UUID) async throws {
        let stream = try await platform.assistant.startDraft(NewDraft(kind: .lessonPlan, lessonSlug: "jr-ai-and-jobs", classID: classID), by: p)
        var stored = false
        for await e in stream.events { if case .done(let d) = e { stored = d.draft != nil } }
        #expect(stored)
    }

    /// Every row of the five rollup tables, one line each, sorted: what a report could read.
    func rollupRows() async throws -> [String] {
        let sql = platform.database.sql
        var out: [String] = []
        for row in try await sql.select().columns("school_id", "term", "band", "dimension", "level", "students").from(Rollups.literacy).all() {
            out.append("literacy \(try row.decode(column: "school_id", as: UUID.self)) \(try row.decode(column: "term", as: String.self)) "
                + "\(try row.decode(column: "band", as: String.self)) \(try row.decode(column: "dimension", as: String.self))-"
                + "\(try row.decode(column: "level", as: String.self)) \(try row.decode(column: "students", as: Int.self))")
        }
        for (key, counts) in try await usage() { out.append("usage \(key) \(counts.values)") }
        for row in try await sql.select().columns("school_id", "week", "teachers").from(Rollups.teacherWeeks).all() {
            out.append("teachers \(try row.decode(column: "school_id", as: UUID.self)) \(try row.decode(column: "week", as: String.self)) "
                + "\(try row.decode(column: "teachers", as: Int.self))")
        }
        for row in try await sql.select().columns("user_id", "week").from(Rollups.teacherWeekSeen).all() {
            out.append("seen \(try row.decode(column: "user_id", as: UUID.self)) \(try row.decode(column: "week", as: String.self))")
        }
        for (key, n) in try await enrolment() { out.append("enrolment \(key) \(n)") }
        return out.sorted()
    }

    /// The usage rollup by "school day".
    func usage() async throws -> [String: UsageCounts] {
        var out: [String: UsageCounts] = [:]
        for row in try await platform.database.sql.select().column("*").from(Rollups.usage).all() {
            out["\(try row.decode(column: "school_id", as: UUID.self)) \(try row.decode(column: "day", as: String.self))"] =
                UsageCounts(values: try UsageCounts.columns.map { try row.decode(column: $0, as: Int.self) })
        }
        return out
    }

    /// The enrolment rollup by "school band".
    func enrolment() async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try await platform.database.sql.select().columns("school_id", "band", "students").from(Rollups.enrolment).all() {
            out["\(try row.decode(column: "school_id", as: UUID.self)) \(try row.decode(column: "band", as: String.self))"] =
                try row.decode(column: "students", as: Int.self)
        }
        return out
    }

    /// The literacy rollup of one term by "school band dimension-level".
    func literacy(term: String = "2026-2027-1") async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try await platform.database.sql.select().columns("school_id", "band", "dimension", "level", "students")
            .from(Rollups.literacy).where("term", .equal, term).all() {
            out["\(try row.decode(column: "school_id", as: UUID.self)) \(try row.decode(column: "band", as: String.self)) "
                + "\(try row.decode(column: "dimension", as: String.self))-\(try row.decode(column: "level", as: String.self))"] =
                try row.decode(column: "students", as: Int.self)
        }
        return out
    }

    /// What the literacy rollup must hold: each student's latest result, read through the service.
    func expectedLiteracy(_ students: [(Principal, band: String)], reader: Principal) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for (s, band) in students {
            guard let latest = try await platform.assessment.literacy(of: s.userID, for: reader, requestID: nil).first else { continue }
            for (dimension, level) in Self.levels(latest) { out["\(s.schoolID!) \(band) \(dimension)-\(level)", default: 0] += 1 }
        }
        return out
    }

    static func levels(_ r: LiteracyResult) -> [String: String] {
        var out = ["ALL": r.profile.level.rawValue]
        for d in r.profile.dimensions { out[d.dimension.rawValue] = d.level?.rawValue ?? "-" }
        return out
    }
}

/// A clock tests move forward.
final class MovableClock: Sendable {
    private let value: Mutex<Date>
    init(_ start: Date) { value = Mutex(start) }
    var now: Date { value.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
    func set(_ date: Date) { value.withLock { $0 = date } }
}
