import FluentKit
import Foundation
import QianxueCore

/// Which teachers' completions a reader may count: the Gateway maps the caller's tenancy scope.
public enum PDScope: Sendable, Equatable {
    case everything
    case region(RegionCode)
    case school(UUID)
}

public struct PDCompletion: Sendable {
    public let unitSlug: String
    public let userID: UUID
    public let completedAt: Date
    public let note: String?
}

/// A teacher's progress through one professional-development unit.
public struct PDProgress: Sendable {
    public let unit: CurriculumUnit
    public let completedAt: Date?
}

/// Completion counts per unit within a scope.
public struct PDSummary: Sendable {
    public struct UnitCount: Sendable {
        public let unit: CurriculumUnit
        public let teachersCompleted: Int
    }
    public let units: [UnitCount]
    /// Teachers with at least one completed unit.
    public let teachersWithAny: Int
    /// Teachers who completed every unit.
    public let teachersWithAll: Int
}

extension CurriculumService {
    public static let maxNoteLength = 500

    /// The professional-development units, in order.
    public var pdUnits: [CurriculumUnit] {
        content.units.filter { $0.band == .teacherPD }.sorted { $0.order < $1.order }
    }

    /// Records that the teacher completed a unit. Recording it again changes nothing and answers
    /// the first record (`created` false).
    public func recordCompletion(unit slug: String, by p: Principal, schoolRegion: RegionCode?, note: String?,
                                 now: Date = Date()) async throws -> (completion: PDCompletion, created: Bool) {
        try p.require(.teacher, .schoolAdmin, to: "record professional-development completions")
        guard let unit = unitsBySlug[slug], unit.band == .teacherPD else {
            throw AppError.notFound("professional-development unit \(slug)")
        }
        if let note, note.count > Self.maxNoteLength {
            throw AppError.validation("note is longer than \(Self.maxNoteLength) characters", field: "note")
        }
        let db = try requireDatabase()
        if let existing = try await PDCompletionModel.query(on: db).filter(\.$userID == p.userID).filter(\.$unitSlug == unit.slug).first() {
            return (Self.completion(existing), false)
        }
        let m = PDCompletionModel()
        m.userID = p.userID
        m.unitSlug = unit.slug
        m.schoolID = p.schoolID
        m.regionCode = schoolRegion?.rawValue ?? p.regionCode?.rawValue
        m.note = note?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        m.completedAt = now
        do {
            try await m.create(on: db)
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            // A concurrent request recorded it first: answer that record.
            if let existing = try await PDCompletionModel.query(on: db).filter(\.$userID == p.userID).filter(\.$unitSlug == unit.slug).first() {
                return (Self.completion(existing), false)
            }
            throw error
        }
        return (Self.completion(m), true)
    }

    /// Every PD unit with the caller's completion date, if any.
    public func progress(of userID: UUID) async throws -> [PDProgress] {
        let db = try requireDatabase()
        let done = try await PDCompletionModel.query(on: db).filter(\.$userID == userID).all()
        let at = Dictionary(done.map { ($0.unitSlug, $0.completedAt) }, uniquingKeysWith: { a, _ in a })
        return pdUnits.map { PDProgress(unit: $0, completedAt: at[$0.slug]) }
    }

    /// Completions per unit among teachers in scope.
    public func completionSummary(scope: PDScope) async throws -> PDSummary {
        let db = try requireDatabase()
        var q = PDCompletionModel.query(on: db)
        switch scope {
        case .everything: break
        case .school(let id): q = q.filter(\.$schoolID == id)
        case .region(let code): q = q.filter(\.$regionCode =~ code.rawValue)
        }
        let rows = try await q.all()
        let units = pdUnits
        let known = Set(units.map(\.slug))
        var perUser: [UUID: Set<String>] = [:]
        var perUnit: [String: Int] = [:]
        for r in rows where known.contains(r.unitSlug) {
            perUser[r.userID, default: []].insert(r.unitSlug)
            perUnit[r.unitSlug, default: 0] += 1
        }
        return PDSummary(
            units: units.map { PDSummary.UnitCount(unit: $0, teachersCompleted: perUnit[$0.slug] ?? 0) },
            teachersWithAny: perUser.count,
            teachersWithAll: units.isEmpty ? 0 : perUser.values.filter { $0.count == units.count }.count
        )
    }

    private func requireDatabase() throws -> any Database {
        guard let database else { throw AppError(.internal, "the curriculum service has no database") }
        return database.db
    }

    static func completion(_ m: PDCompletionModel) -> PDCompletion {
        PDCompletion(unitSlug: m.unitSlug, userID: m.userID, completedAt: m.completedAt, note: m.note)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
