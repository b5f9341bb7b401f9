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

    /// A question the companion may coach a student through. Only `prompt` and `hints` are for
    /// students; `answer` is the key, kept out of the body, the API and search.
    public struct Exercise: Sendable, Hashable {
        /// A slug, unique within the lesson.
        public let id: String
        public let prompt: String
        /// The answer key. Never shown to a student, nor put in a prompt whose reply a student reads.
        public let answer: String
        /// Two to four, from gentle to specific; none gives the answer away.
        public let hints: [String]

        public init(id: String, prompt: String, answer: String, hints: [String]) {
            self.id = id; self.prompt = prompt; self.answer = answer; self.hints = hints
        }
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
    public let exercises: [Exercise]
    public let markdown: String
    public let sections: [Section]
    public let html: String
    /// Path relative to the curriculum root, for messages.
    public let file: String

    public init(
        slug: String, title: String, titleEn: String, band: ContentBand, unitSlug: String, grades: [String],
        hours: Double, objectives: [Objective], culture: [String], status: LessonStatus, reviewer: String?,
        reviewedOn: String?, sources: [String], activities: [Activity], related: [String], checks: [String],
        exercises: [Exercise] = [], markdown: String, sections: [Section], html: String, file: String
    ) {
        self.slug = slug; self.title = title; self.titleEn = titleEn; self.band = band; self.unitSlug = unitSlug
        self.grades = grades; self.hours = hours; self.objectives = objectives; self.culture = culture
        self.status = status; self.reviewer = reviewer; self.reviewedOn = reviewedOn; self.sources = sources
        self.activities = activities; self.related = related; self.checks = checks; self.exercises = exercises
        self.markdown = markdown
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

    /// One exercise by id, if present.
    public func exercise(_ id: String) -> Exercise? {
        exercises.first { $0.id == id }
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
