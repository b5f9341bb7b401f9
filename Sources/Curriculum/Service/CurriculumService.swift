import FluentKit
import Foundation
import Persistence
import QianxueCore

/// The curriculum as the platform serves it: loaded and checked once at start-up, searched in
/// memory, and read by role — published lessons for every signed-in user, drafts and reviewed
/// lessons for admins only. Teachers' completions of professional-development units live in the
/// database (`CurriculumService+PD`).
public struct CurriculumService: Sendable {
    public let content: CurriculumContent
    public let index: SearchIndex
    let database: DatabaseStack?
    let lessonsBySlug: [String: Lesson]
    let unitsBySlug: [String: CurriculumUnit]

    /// The module's migrations.
    public static var migrations: [any Migration] { [CreatePDCompletions()] }

    /// Loads and checks the folder; throws `CurriculumError.invalid` naming every problem.
    public static func load(from root: URL, database: DatabaseStack?) throws -> CurriculumService {
        let (content, diagnostics) = CurriculumLoader.load(from: root)
        guard diagnostics.isEmpty else { throw CurriculumError.invalid(diagnostics) }
        return CurriculumService(content: content, database: database)
    }

    public init(content: CurriculumContent, database: DatabaseStack?) {
        self.content = content
        self.database = database
        self.index = SearchIndex(lessons: content.lessons, cultureLabels: content.sources.tags)
        self.lessonsBySlug = Dictionary(content.lessons.map { ($0.slug, $0) }, uniquingKeysWith: { a, _ in a })
        self.unitsBySlug = Dictionary(content.units.map { ($0.slug, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The review states a role may read.
    public static func statuses(for role: Role) -> Set<LessonStatus> {
        role == .admin ? Set(LessonStatus.allCases) : [.published]
    }

    func visible(_ lesson: Lesson, to role: Role) -> Bool {
        Self.statuses(for: role).contains(lesson.status)
    }

    /// Every band with its goal, and the units, lessons and hours the caller can see.
    public func bands(for role: Role) -> [BandSummary] {
        ContentBand.allCases.map { band in
            let lessons = content.lessons.filter { $0.band == band && visible($0, to: role) }
            let units = Set(lessons.map(\.unitSlug))
            return BandSummary(band: band, units: units.count, lessons: lessons.count, hours: lessons.reduce(0) { $0 + $1.hours })
        }
    }

    /// Units in teaching order, with the lessons the caller can see; units with none are left out.
    public func units(band: ContentBand?, for role: Role) -> [UnitView] {
        content.units
            .filter { band == nil || $0.band == band }
            .sorted { ($0.band.ordinal, $0.order) < ($1.band.ordinal, $1.order) }
            .compactMap { u in
                let lessons = u.lessons.compactMap { lessonsBySlug[$0] }.filter { visible($0, to: role) }
                return lessons.isEmpty ? nil : UnitView(unit: u, lessons: lessons)
            }
    }

    /// One lesson; a lesson the caller may not read answers 404 as if it did not exist.
    public func lesson(_ slug: String, for role: Role) throws -> Lesson {
        guard let l = lessonsBySlug[slug], visible(l, to: role) else { throw AppError.notFound("lesson \(slug)") }
        return l
    }

    /// The lessons a caller may read, in teaching order (for the companion's grounding, too).
    public func lessons(band: ContentBand? = nil, for role: Role) -> [Lesson] {
        units(band: band, for: role).flatMap(\.lessons)
    }
}

public enum CurriculumError: Error, CustomStringConvertible {
    case invalid([CurriculumDiagnostic])

    public var description: String {
        switch self {
        case .invalid(let d):
            let shown = d.prefix(20).map(\.description).joined(separator: "\n")
            return "the curriculum is invalid (\(d.count) problem\(d.count == 1 ? "" : "s")):\n" + shown
                + (d.count > 20 ? "\n… and \(d.count - 20) more; run `qianxue curriculum lint`" : "")
        }
    }
}

public struct BandSummary: Sendable {
    public let band: ContentBand
    public let units: Int
    public let lessons: Int
    public let hours: Double
}

public struct UnitView: Sendable {
    public let unit: CurriculumUnit
    public let lessons: [Lesson]
}

extension ContentBand {
    var ordinal: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}
