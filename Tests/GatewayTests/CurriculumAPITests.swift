import Curriculum
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Registry
import Testing
import TestSupport

@Suite struct CurriculumAPITests {
    /// The shipped content plus one draft copy of a published lesson, to see who may read drafts.
    static let withDraft: CurriculumContent = {
        let c = GatewayFixture.shippedCurriculum
        let base = c.lessons.first { $0.band == .junior }!
        let draft = Lesson(slug: "jr-draft-copy", title: "草稿：" + base.title, titleEn: "Draft", band: base.band, unitSlug: base.unitSlug,
                           grades: base.grades, hours: base.hours, objectives: base.objectives, culture: base.culture, status: .draft,
                           reviewer: nil, reviewedOn: nil, sources: base.sources, activities: base.activities, related: [], checks: [],
                           markdown: "## 导入\n草稿里的独特词语：铜鼓星图。", sections: [], html: "<h2>导入</h2>", file: "draft")
        let units = c.units.map { u in
            u.slug == base.unitSlug ? CurriculumUnit(slug: u.slug, order: u.order, band: u.band, title: u.title, titleEn: u.titleEn,
                                                     summary: u.summary, lessons: u.lessons + [draft.slug], folder: u.folder) : u
        }
        return CurriculumContent(sources: c.sources, units: units, lessons: c.lessons + [draft])
    }()

    @Test func studentsReadPublishedLessonsAndOnlyAdminsSeeDrafts() async throws {
        try await GatewayFixture.with(.sqlite, curriculum: Self.withDraft) { f in
            try await f.app().test(.router) { client in
                let student = try await f.token(client, f.studentA)
                let admin = try await f.token(client, f.admin)
                try await client.execute(uri: "/v1/curriculum/lessons/jr-draft-copy", method: .get, headers: bearer(student)) { r in
                    #expect(r.isProblem(.notFound))
                }
                try await client.execute(uri: "/v1/curriculum/lessons/jr-draft-copy", method: .get, headers: bearer(admin)) { r in
                    #expect(r.status == .ok)
                    #expect(r.json["status"] as? String == "draft")
                }
                for (token, found) in [(student, false), (admin, true)] {
                    try await client.execute(uri: "/v1/curriculum/search?q=%E9%93%9C%E9%BC%93%E6%98%9F%E5%9B%BE", method: .get, headers: bearer(token)) { r in
                        let items = r.json["items"] as? [[String: Any]] ?? []
                        #expect(items.isEmpty != found)
                    }
                    try await client.execute(uri: "/v1/curriculum/units?band=junior", method: .get, headers: bearer(token)) { r in
                        let units = r.json["items"] as? [[String: Any]] ?? []
                        let slugs = units.flatMap { ($0["lessons"] as? [[String: Any]] ?? []).compactMap { $0["slug"] as? String } }
                        #expect(slugs.contains("jr-draft-copy") == found)
                        #expect(slugs.count > 0)
                    }
                }
            }
        }
    }

    /// Teachers read a lesson's exercises with their hint ladders and answer keys; students the prompts only.
    @Test func teachersSeeTheExercisesHintsAndKeysAndStudentsThePromptsOnly() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            let lesson = try #require(GatewayFixture.shippedCurriculum.lessons.first { $0.slug == "jr-ai-and-jobs" })
            let exercise = try #require(lesson.exercises.first)
            try await f.app().test(.router) { client in
                let teacher = try await f.token(client, f.teacherA)
                let student = try await f.token(client, f.studentA)
                try await client.execute(uri: "/v1/curriculum/lessons/\(lesson.slug)", method: .get, headers: bearer(teacher)) { r in
                    let items = r.json["exercises"] as? [[String: Any]] ?? []
                    #expect(items.count == lesson.exercises.count)
                    #expect(items.first?["prompt"] as? String == exercise.prompt)
                    #expect(items.first?["hints"] as? [String] == exercise.hints)
                    #expect(items.first?["answer"] as? String == exercise.answer)
                }
                try await client.execute(uri: "/v1/curriculum/lessons/\(lesson.slug)", method: .get, headers: bearer(student)) { r in
                    let items = r.json["exercises"] as? [[String: Any]] ?? []
                    #expect(items.count == lesson.exercises.count)
                    #expect(items.first?["prompt"] as? String == exercise.prompt)
                    #expect(items.allSatisfy { $0["answer"] == nil && $0["hints"] == nil })
                    #expect(!r.text.contains("\"answer\""))
                }
            }
        }
    }

    @Test func aLessonComesWithFrontMatterMarkdownHTMLAndSources() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            let lesson = f.platform.curriculum.lessons(band: .junior, for: .student).first { $0.culture.contains("dong") }!
            try await f.app().test(.router) { client in
                let student = try await f.token(client, f.studentA)
                try await client.execute(uri: "/v1/curriculum/lessons/\(lesson.slug)", method: .get, headers: bearer(student)) { r in
                    #expect(r.status == .ok)
                    #expect(r.json["title"] as? String == lesson.title)
                    #expect((r.json["html"] as? String)?.contains("<h2>课堂活动</h2>") == true)
                    #expect((r.json["markdown"] as? String)?.contains("## 讨论") == true)
                    let sources = r.json["sources"] as? [[String: Any]] ?? []
                    #expect(!sources.isEmpty && sources.allSatisfy { $0["publisher"] is String })
                    #expect((r.json["objectives"] as? [[String: Any]])?.first?["competency"] is String)
                }
                try await client.execute(uri: "/v1/curriculum/bands", method: .get, headers: bearer(student)) { r in
                    let bands = r.json["items"] as? [[String: Any]] ?? []
                    #expect(bands.map { $0["band"] as? String } == ContentBand.allCases.map(\.rawValue))
                    #expect(bands.allSatisfy { ($0["lessons"] as? Int ?? 0) > 0 })
                }
            }
        }
    }

    @Test func searchAnswersRankedHitsAndBadInputGetsAProblem() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().test(.router) { client in
                let teacher = try await f.token(client, f.teacherA)
                let q = "侗族大歌".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
                try await client.execute(uri: "/v1/curriculum/search?q=\(q)&pageSize=3", method: .get, headers: bearer(teacher)) { r in
                    #expect(r.status == .ok)
                    let items = r.json["items"] as? [[String: Any]] ?? []
                    #expect(items.count == 3)
                    #expect((items.first?["snippet"] as? String)?.contains("<mark>") == true)
                    #expect(r.json["nextPageToken"] is String)
                }
                for uri in ["/v1/curriculum/search", "/v1/curriculum/search?q=", "/v1/curriculum/search?q=ai&band=kindergarten",
                            "/v1/curriculum/search?q=ai&culture=naxi", "/v1/curriculum/search?q=ai&competency=ZZ",
                            "/v1/curriculum/search?q=ai&pageToken=nonsense", "/v1/curriculum/units?band=middle"] {
                    try await client.execute(uri: uri, method: .get, headers: bearer(teacher)) { r in
                        #expect(r.isProblem(.validation), "\(uri) answered \(r.status)")
                    }
                }
            }
        }
    }

    @Test func coverageShowsTheGridWithHours() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().test(.router) { client in
                let teacher = try await f.token(client, f.teacherA)
                try await client.execute(uri: "/v1/curriculum/coverage", method: .get, headers: bearer(teacher)) { r in
                    #expect(r.status == .ok)
                    #expect((r.json["studentCompetencies"] as? [String])?.count == 12)
                    let rows = r.json["bands"] as? [[String: Any]] ?? []
                    let junior = rows.first { $0["band"] as? String == "junior" }
                    #expect((junior?["cells"] as? [[String: Any]])?.count == 12)
                    #expect((junior?["hours"] as? Double ?? 0) > 0)
                    #expect((junior?["emptyCells"] as? [String]) == [])
                }
            }
        }
    }
}
