import QianxueCore

/// The band × competency grid: for each band, how many lessons (and hours) address each cell, so
/// that gaps show. Student bands use the 4 × 3 student framework, teacher development its 5 × 3.
public struct CoverageGrid: Sendable {
    public struct Cell: Sendable {
        public let competency: String
        public let lessons: Int
        public let hours: Double
    }

    public struct Row: Sendable {
        public let band: ContentBand
        public let lessons: Int
        public let hours: Double
        public let cells: [Cell]
        public var emptyCells: [String] { cells.filter { $0.lessons == 0 }.map(\.competency) }
    }

    public let rows: [Row]
    /// Student codes in grid order (`HM-U` … `SD-C`).
    public let studentCodes: [String]
    /// Teacher codes in grid order (`HM-AQ` … `PR-CR`).
    public let teacherCodes: [String]
}

extension CurriculumService {
    /// Counts over the lessons the caller can read (admins see planned drafts too).
    public func coverage(for role: Role) -> CoverageGrid {
        let student = Competency.grid.map(\.code)
        let teacher = TeacherCompetency.grid.map(\.code)
        let rows = ContentBand.allCases.map { band -> CoverageGrid.Row in
            let lessons = content.lessons.filter { $0.band == band && visible($0, to: role) }
            let codes = band == .teacherPD ? teacher : student
            let cells = codes.map { code -> CoverageGrid.Cell in
                let hits = lessons.filter { $0.competencies.contains(code) }
                return CoverageGrid.Cell(competency: code, lessons: hits.count, hours: hits.reduce(0) { $0 + $1.hours })
            }
            return CoverageGrid.Row(band: band, lessons: lessons.count, hours: lessons.reduce(0) { $0 + $1.hours }, cells: cells)
        }
        return CoverageGrid(rows: rows, studentCodes: student, teacherCodes: teacher)
    }
}
