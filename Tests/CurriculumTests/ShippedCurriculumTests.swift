import Foundation
import QianxueCore
import Testing
import TestSupport
@testable import Curriculum

/// The content in `Curriculum/` as the server loads it.
enum Shipped {
    static let loaded = CurriculumLoader.load(from: Repository.curriculum)
    static let service = CurriculumService(content: loaded.content, database: nil)
}

@Suite struct ShippedCurriculumTests {
    @Test func theShippedContentPassesTheLint() {
        #expect(Shipped.loaded.diagnostics.map(\.description) == [])
    }

    @Test func everyBandHasItsUnitsAndThereAreAtLeastSixtyLessons() {
        let units = Shipped.loaded.content.units
        for band in [ContentBand.primaryLower, .primaryUpper, .junior, .senior] {
            #expect(units.filter { $0.band == band }.count >= 6, "\(band.rawValue) needs 6 units")
        }
        for band in [ContentBand.vocational, .higher] {
            #expect(units.filter { $0.band == band }.count >= 3, "\(band.rawValue) needs 3 units")
        }
        #expect(units.filter { $0.band == .teacherPD }.count >= 5)
        let student = Shipped.loaded.content.lessons.filter { $0.band != .teacherPD }
        #expect(student.count >= 60)
        #expect(Double(student.filter { !$0.culture.isEmpty }.count) >= Double(student.count) / 3, "a third weave in local culture")
    }

    @Test func everyLessonHasObjectivesAnActivityADiscussionQuestionAndATeacherNote() {
        for l in Shipped.loaded.content.lessons {
            #expect(!l.objectives.isEmpty && !l.activities.isEmpty, "\(l.file)")
            #expect(l.section("讨论")?.contains("？") == true || l.section("讨论")?.contains("?") == true, "\(l.file) asks no question")
            #expect((l.section("教师提示")?.count ?? 0) > 20, "\(l.file) teacher note")
        }
    }

    @Test func everyStudentLessonHasOneOrTwoExercises() {
        let student = Shipped.loaded.content.lessons.filter { $0.band != .teacherPD }
        #expect(!student.isEmpty)
        for l in student {
            #expect((1...2).contains(l.exercises.count), "\(l.file) has \(l.exercises.count) exercises")
        }
    }

    @Test func theCoverageGridHasNoEmptyCellForJuniorAndSenior() {
        let grid = Shipped.service.coverage(for: .student)
        for band in [ContentBand.junior, .senior] {
            let row = grid.rows.first { $0.band == band }!
            #expect(row.emptyCells == [], "\(band.rawValue) gaps")
            #expect(row.hours > 0)
        }
        let pd = grid.rows.first { $0.band == .teacherPD }!
        #expect(pd.cells.count == 15)
    }

    @Test(arguments: [("侗族大歌", "dong"), ("遵义", "red:zunyi"), ("遵义会议", "red:zunyi"), ("水书", "shui"), ("四渡赤水", "red:chishui")])
    func searchingACultureFindsTheLessonsThatTeachIt(query: String, tag: String) throws {
        // given every signed-in student
        // when
        let hits = try Shipped.service.search(query, band: nil, culture: nil, competency: nil, for: .student, page: PageQuery(size: 5)).items
        // then the best hits are lessons tagged with that culture, and the snippet shows the words
        #expect(hits.count >= 2)
        #expect(hits.prefix(2).allSatisfy { $0.lesson.culture.contains(tag) }, "\(hits.map(\.lesson.slug))")
        #expect(hits[0].snippet.contains("<mark>"))
    }

    @Test func searchFindsAIConceptsInChineseAndEnglish() throws {
        let image = try Shipped.service.search("图像分类", band: nil, culture: nil, competency: nil, for: .student, page: PageQuery(size: 5)).items
        #expect(!image.isEmpty)
        #expect(image[0].snippet.contains("<mark>"))
        let english = try Shipped.service.search("route planning", band: nil, culture: nil, competency: nil, for: .student, page: PageQuery(size: 5)).items
        #expect(english.contains { $0.lesson.culture.contains("red:chishui") }, "\(english.map(\.lesson.slug))")
    }
}
