import Foundation
import QianxueCore
import Testing
@testable import Curriculum

@Suite struct CurriculumSearchTests {
    static func lesson(_ slug: String, title: String, band: ContentBand = .junior, status: LessonStatus = .published,
                       culture: [String] = [], code: String = "TA-U", body: String) -> Lesson {
        Lesson(slug: slug, title: title, titleEn: slug, band: band, unitSlug: "u", grades: band.grades, hours: 1,
               objectives: [.init(text: "目标", competency: code)], culture: culture, status: status, reviewer: nil, reviewedOn: nil,
               sources: [], activities: [], related: [], checks: [], markdown: body, sections: [], html: "", file: slug)
    }

    let index = SearchIndex(lessons: [
        lesson("song", title: "机器怎样听歌", culture: ["dong"], body: "## 导入\n侗族大歌是多声部合唱，没有指挥。"),
        lesson("scatter", title: "大数据", body: "## 导入\n侗族的鼓楼很高。很多人唱歌，大家一起听。"),
        lesson("route", title: "路线规划", band: .senior, code: "SD-A", body: "## 导入\nRoute planning with graphs: 遵义 to 土城."),
        lesson("draft", title: "草稿：侗族大歌", status: .draft, body: "## 导入\n侗族大歌"),
    ])

    @Test func theWholePhraseRanksAboveScatteredBigrams() {
        let hits = index.search("侗族大歌", filter: .init(), limit: 10)
        #expect(hits.map(\.lesson.slug) == ["song", "scatter"])
        #expect(hits[0].snippet == "<mark>侗族大歌</mark>是多声部合唱，没有指挥。")
    }

    @Test func draftsAreOnlyFoundWhenTheReaderMaySeeThem() {
        #expect(!index.search("侗族大歌", filter: .init(), limit: 10).contains { $0.lesson.slug == "draft" })
        let all = SearchIndex.Filter(statuses: Set(LessonStatus.allCases))
        #expect(index.search("侗族大歌", filter: all, limit: 10).first?.lesson.slug == "draft")
    }

    @Test func filtersNarrowByBandCultureAndCompetency() {
        #expect(index.search("侗族", filter: .init(culture: "dong"), limit: 10).map(\.lesson.slug) == ["song"])
        #expect(index.search("遵义", filter: .init(bands: [.junior]), limit: 10).isEmpty)
        #expect(index.search("遵义", filter: .init(competency: "SD"), limit: 10).map(\.lesson.slug) == ["route"])
        #expect(index.search("遵义", filter: .init(competency: "TA-U"), limit: 10).isEmpty)
    }

    @Test func englishIsMatchedCaseInsensitivelyAndSnippetsEscapeHTML() {
        let hits = index.search("ROUTE Graphs", filter: .init(), limit: 10)
        #expect(hits.first?.lesson.slug == "route")
        #expect(hits.first?.snippet.contains("<mark>Route</mark>") == true)
        let tricky = SearchIndex(lessons: [Self.lesson("x", title: "x", body: "## 导入\n1 < 2 & 遵义")])
        #expect(tricky.search("遵义", filter: .init(), limit: 1).first?.snippet == "1 &lt; 2 &amp; <mark>遵义</mark>")
    }

    @Test func badQueriesAnswerAValidationProblem() throws {
        let service = CurriculumService(content: CurriculumContent(
            sources: SourceCatalogue(tags: ["dong": "侗族"], sources: []), units: [], lessons: []), database: nil)
        for (q, culture, competency, field) in [("  ", nil, nil, "q"), ("！？", nil, nil, "q"), (String(repeating: "歌", count: 201), nil, nil, "q"),
                                                ("歌", "naxi", nil, "culture"), ("歌", nil, "XX-U", "competency")] as [(String, String?, String?, String)] {
            #expect { try service.search(q, band: nil, culture: culture, competency: competency, for: .student, page: PageQuery()) } throws: { e in
                (e as? AppError)?.type == .validation && (e as? AppError)?.fields == [field]
            }
        }
    }

    @Test func pagesFollowOneAnother() throws {
        let many = (0..<7).map { Self.lesson("l\($0)", title: "第\($0)课", body: "## 导入\n遵义" + String(repeating: "。", count: $0)) }
        let service = CurriculumService(content: CurriculumContent(sources: SourceCatalogue(tags: [:], sources: []), units: [], lessons: many), database: nil)
        let first = try service.search("遵义", band: nil, culture: nil, competency: nil, for: .student, page: PageQuery(size: 4))
        #expect(first.items.count == 4)
        let second = try service.search("遵义", band: nil, culture: nil, competency: nil, for: .student, page: PageQuery(size: 4, token: first.nextPageToken))
        #expect(second.items.count == 3)
        #expect(second.nextPageToken == nil)
        #expect(Set(first.items.map(\.lesson.slug)).isDisjoint(with: second.items.map(\.lesson.slug)))
    }
}
