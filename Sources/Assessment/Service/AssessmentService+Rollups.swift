import FluentKit
import Foundation
import Persistence
import QianxueCore
import SQLKit

/// A finished attempt as the literacy rollup counts it: each student once per term, with their
/// latest finished result there.
struct CountedResult: Sendable {
    let id: UUID
    let student: UUID
    let school: UUID
    let band: String
    let finishedAt: Date
    let result: LiteracyResult

    static let columns = ["id", "student_id", "school_id", "band", "finished_at", "result"]

    var term: String { AcademicTerm(containing: finishedAt).description }

    /// The levels by dimension key: the overall level under `ALL`, each dimension's under its code
    /// (`-` for a dimension the attempt had no item of).
    var levels: [String: String] {
        var out = [Rollups.overall: result.profile.level.rawValue]
        for d in result.profile.dimensions { out[d.dimension.rawValue] = d.level?.rawValue ?? Rollups.unrated }
        return out
    }

    /// Later than `other`: by finishing time, then by id, so that a tie breaks the same way on every path.
    func isLater(than other: CountedResult) -> Bool {
        (finishedAt, id.uuidString) > (other.finishedAt, other.id.uuidString)
    }

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: UUID.self)
        student = try row.decode(column: "student_id", as: UUID.self)
        school = try row.decode(column: "school_id", as: UUID.self)
        band = try row.decode(column: "band", as: String.self)
        finishedAt = try row.decode(column: "finished_at", as: Date.self)
        result = try AssessmentService.decoder.decode(LiteracyResult.self, from: Data(try row.decode(column: "result", as: String.self).utf8))
    }

    init(_ m: AttemptModel) throws {
        guard let text = m.result, let at = m.finishedAt else { throw AppError.conflict("attempt \(m.id!) is not finished") }
        id = m.id!
        student = m.studentID
        school = m.schoolID
        band = m.band
        finishedAt = at
        result = try AssessmentService.decoder.decode(LiteracyResult.self, from: Data(text.utf8))
    }
}

extension AssessmentService {
    /// In the transaction that finishes `m`: when it is its student's latest result of the term, it
    /// counts there instead of the one that counted before (if any).
    func countFinished(_ m: AttemptModel, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        let finished = try CountedResult(m)
        let counted = try await latestOtherResult(of: m.studentID, term: finished.term, besides: finished.id, on: sql)
        if let counted, !finished.isLater(than: counted) { return }
        try await Self.count(finished, insteadOf: counted, on: sql)
    }

    /// In the transaction that rescores the finished `m`, before its row is updated: when it is its
    /// student's latest result of the term, its new levels count instead of its stored ones.
    func countRescored(_ m: AttemptModel, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        let rescored = try CountedResult(m)
        let results = try await finishedResults(of: m.studentID, term: rescored.term, on: sql)
        guard let stored = results.first(where: { $0.id == rescored.id }),
              !results.contains(where: { $0.id != rescored.id && $0.isLater(than: rescored) }) else { return }
        try await Self.count(rescored, insteadOf: stored, on: sql)
    }

    /// The student's finished attempts of a term as stored, their rows locked to the end of the
    /// transaction: a finish and a rescore of the same student then each replace what the other left.
    private func finishedResults(of student: UUID, term: String, on sql: any SQLDatabase) async throws -> [CountedResult] {
        guard let t = AcademicTerm(term) else { return [] }
        return try await sql.select().columns(CountedResult.columns).from(AttemptModel.schema)
            .where("student_id", .equal, student).where("status", .equal, AttemptStatus.finished.rawValue)
            .where("finished_at", .greaterThanOrEqual, t.start).where("finished_at", .lessThan, t.end)
            .for(.update).all().map(CountedResult.init(row:)).filter { $0.term == term }
    }

    /// The student's latest finished result of a term other than `besides` — the one that counts
    /// there now — with every finished attempt of theirs in the term locked to the end of the
    /// transaction, as `finishedResults` locks them; only that one row comes back and is decoded
    /// (a student who sat the test many times in a term made every finish read them all).
    private func latestOtherResult(of student: UUID, term: String, besides: UUID, on sql: any SQLDatabase) async throws -> CountedResult? {
        guard let t = AcademicTerm(term) else { return nil }
        let lock = database.isPostgres ? "FOR UPDATE" : ""
        // Latest by finishing time, then by id: the order `isLater` takes (a uuid compares as its hex digits).
        return try await sql.raw("""
            SELECT a.id, a.student_id, a.school_id, a.band, a.finished_at, a.result
            FROM \(unsafeRaw: AttemptModel.schema) a
            JOIN (SELECT id, finished_at FROM \(unsafeRaw: AttemptModel.schema)
                  WHERE student_id = \(bind: student) AND status = \(bind: AttemptStatus.finished.rawValue)
                    AND finished_at >= \(bind: t.start) AND finished_at < \(bind: t.end) \(unsafeRaw: lock)) l ON l.id = a.id
            WHERE a.id <> \(bind: besides)
            ORDER BY l.finished_at DESC, a.id DESC LIMIT 1
            """).first().map(CountedResult.init(row:))
    }

    private static func count(_ result: CountedResult, insteadOf old: CountedResult?, on sql: any SQLDatabase) async throws {
        let rollups = Rollups()
        var previous = old?.levels
        if let old, old.school != result.school || old.band != result.band {
            try await rollups.replaceLiteracy(school: old.school, term: old.term, band: old.band, previous: old.levels, current: [:], on: sql)
            previous = nil
        }
        try await rollups.replaceLiteracy(school: result.school, term: result.term, band: result.band, previous: previous,
                                          current: result.levels, on: sql)
    }

    /// Recomputes the literacy rollup from finished attempts (after `Rollups.clear`): per school,
    /// term and band, each student's latest result of the term, by dimension and level.
    public static func rebuildRollups(on sql: any SQLDatabase) async throws {
        struct Key: Hashable { let school: UUID, term: String, band: String, dimension: String, level: String }
        struct Tally {
            var student: UUID?
            var latest: [String: CountedResult] = [:]
            var students: [Key: Int] = [:]

            mutating func closeStudent() {
                for r in latest.values {
                    for (dimension, level) in r.levels {
                        students[Key(school: r.school, term: r.term, band: r.band, dimension: dimension, level: level), default: 0] += 1
                    }
                }
                latest = [:]
            }
        }
        var tally = try await sql.select().columns(CountedResult.columns).from(AttemptModel.schema)
            .where("status", .equal, AttemptStatus.finished.rawValue).orderBy("student_id")
            .fold(into: Tally()) { t, row in
                let r = try CountedResult(row: row)
                if r.student != t.student {
                    t.closeStudent()
                    t.student = r.student
                }
                if let counted = t.latest[r.term], !r.isLater(than: counted) { return }
                t.latest[r.term] = r
            }
        tally.closeStudent()
        try await Rollups().addLiteracy(tally.students.map { k, n in
            Rollups.LiteracyCount(school: k.school, term: k.term, band: k.band, dimension: k.dimension, level: k.level, students: n)
        }, on: sql)
    }
}
