import Foundation

/// One lesson file: its front matter, its Markdown body split into sections, and the HTML the
/// server renders once at load time.
public struct Lesson: Sendable, Hashable {
    public struct Objective: Sendable, Hashable {
        public let text: String
        /// A student code (`TA-A`) or, in teacher development, a teacher code (`PE-DE`).
        public let competency: String
    }

    public struct Activity: Sendable, Hashable {
        public let title: String
        public let needsDevice: Bool
        public let usesAI: Bool
        public let teacherLed: Bool
    }

    public struct Section: Sendable, Hashable {
        public let heading: String
        public let text: String
        /// Line of the heading in the file (1-based).
        public let line: Int
    }

    public let slug: String
    public let title: String
    public let titleEn: String
    public let band: ContentBand
    public let unitSlug: String
    public let grades: [String]
    public let hours: Double
    public let objectives: [Objective]
    public let culture: [String]
    public let status: LessonStatus
    public let reviewer: String?
    public let reviewedOn: String?
    public let sources: [String]
    public let activities: [Activity]
    public let related: [String]
    public let checks: [String]
    public let markdown: String
    public let sections: [Section]
    public let html: String
    /// Path relative to the curriculum root, for messages.
    public let file: String

    public init(
        slug: String, title: String, titleEn: String, band: ContentBand, unitSlug: String, grades: [String],
        hours: Double, objectives: [Objective], culture: [String], status: LessonStatus, reviewer: String?,
        reviewedOn: String?, sources: [String], activities: [Activity], related: [String], checks: [String],
        markdown: String, sections: [Section], html: String, file: String
    ) {
        self.slug = slug; self.title = title; self.titleEn = titleEn; self.band = band; self.unitSlug = unitSlug
        self.grades = grades; self.hours = hours; self.objectives = objectives; self.culture = culture
        self.status = status; self.reviewer = reviewer; self.reviewedOn = reviewedOn; self.sources = sources
        self.activities = activities; self.related = related; self.checks = checks; self.markdown = markdown
        self.sections = sections; self.html = html; self.file = file
    }

    /// The competency codes the lesson's objectives name, each once, in order of first mention.
    public var competencies: [String] {
        var seen = Set<String>()
        return objectives.map(\.competency).filter { seen.insert($0).inserted }
    }

    /// The text of a section by heading, if present.
    public func section(_ heading: String) -> String? {
        sections.first { $0.heading == heading }?.text
    }
}

/// A unit: a folder of lessons in one band, taught in the order of its number.
public struct CurriculumUnit: Sendable, Hashable {
    public let slug: String
    public let order: Int
    public let band: ContentBand
    public let title: String
    public let titleEn: String
    public let summary: String
    /// Lesson slugs in file-name order.
    public let lessons: [String]
    public let folder: String

    public init(slug: String, order: Int, band: ContentBand, title: String, titleEn: String, summary: String,
                lessons: [String], folder: String) {
        self.slug = slug; self.order = order; self.band = band; self.title = title; self.titleEn = titleEn
        self.summary = summary; self.lessons = lessons; self.folder = folder
    }
}

/// The catalogue of sources lessons cite (`Curriculum/sources.yaml`).
public struct SourceCatalogue: Sendable {
    public struct Source: Sendable, Hashable {
        public let id: String
        public let title: String
        public let publisher: String
        public let url: String?
        public let note: String?
        public let quality: String
        public let tags: [String]
        public let facts: [String]
    }

    /// Culture tag → its label (`dong` → `侗族 Dong`).
    public let tags: [String: String]
    public let sources: [String: Source]
    /// Sources in file order.
    public let ordered: [Source]

    public init(tags: [String: String], sources: [Source]) {
        self.tags = tags
        self.ordered = sources
        self.sources = Dictionary(sources.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }
}
