import Foundation
import Testing
@testable import Curriculum

/// Each broken fixture must fail the lint with a message naming the file and the line of the fault.
@Suite struct CurriculumLintTests {
    let file = "Curriculum/junior/01-jr-songs/jr-song.md"

    func problems(_ text: String, path: String = "junior/01-jr-songs/jr-song.md", sources: String = LintFixture.sources) throws -> [CurriculumDiagnostic] {
        let f = try LintFixture.make(lessons: [path: text], sources: sources)
        defer { f.remove() }
        return f.lint()
    }

    @Test func theValidFixturePasses() throws {
        // given a fixture as the README describes
        // when / then
        #expect(try problems(LintFixture.lesson()).isEmpty)
    }

    @Test func aCultureFactWhoseSourceDoesNotResolveFailsOnTheSourcesLine() throws {
        let p = try problems(LintFixture.lesson(sources: "[dong-song-2099]"))
        #expect(p.map(\.description).contains("\(file):13: source dong-song-2099 does not resolve to an entry of sources.yaml"))
    }

    @Test func aCultureTagNoCitedSourceCoversFails() throws {
        let p = try problems(LintFixture.lesson(culture: "[dong, red:zunyi]"))
        #expect(p.map(\.description) == ["\(file):11: culture tag red:zunyi has no source: none of this lesson's sources covers red:zunyi"])
    }

    @Test func cultureWithoutSourcesAndUnknownTagsFail() throws {
        let p = try problems(LintFixture.lesson(culture: "[dong, naxi]", sources: "[]")).map(\.description)
        #expect(p.contains("\(file):11: culture tags need `sources` for their facts"))
        #expect(p.contains("\(file):11: culture tag naxi is not in sources.yaml's tags"))
    }

    @Test func bandAndGradesMustAgreeWithTheFolder() throws {
        let p = try problems(LintFixture.lesson(band: "senior", grades: "[7, 10]")).map(\.description)
        #expect(p.contains("\(file):5: `band` is senior but the file is in the junior folder"))
        #expect(p.contains("\(file):6: `grades` names grade 10, which is not in junior (7, 8, 9)"))
    }

    @Test func competencyCodesMustExistInTheBandsFramework() throws {
        let p = try problems(LintFixture.lesson(competency: "PE-DE")).map(\.description)
        #expect(p == ["\(file):10: `objectives.competency` PE-DE is not a student code such as TA-A (HM|ET|TA|SD - U|A|C)"])
        let teacher = LintFixture.lesson(slug: "pd-song", band: "teacher-pd", grades: "[T]", competency: "TA-U")
        let q = try problems(teacher, path: "teacher-pd/01-pd-songs/pd-song.md").map(\.description)
        #expect(q.contains { $0.hasSuffix(":10: `objectives.competency` TA-U is not a teacher code such as PE-DE (HM|ET|FA|PE|PR - AQ|DE|CR)") })
    }

    @Test func slugsAreUniqueAndMatchTheFileName() throws {
        let f = try LintFixture.make(lessons: [
            "junior/01-jr-songs/jr-song.md": LintFixture.lesson(),
            "junior/02-jr-more/jr-song-copy.md": LintFixture.lesson(),
        ])
        defer { f.remove() }
        #expect(f.lint().map(\.description) == ["Curriculum/junior/02-jr-more/jr-song-copy.md:2: `slug` is jr-song but the file is named jr-song-copy.md"])
        let g = try LintFixture.make(lessons: [
            "junior/01-jr-songs/jr-song.md": LintFixture.lesson(),
            "junior/02-jr-more/jr-song.md": LintFixture.lesson(),
        ])
        defer { g.remove() }
        #expect(g.lint().map(\.description) == [
            "Curriculum/junior/02-jr-more/jr-song.md:2: slug jr-song is also used by Curriculum/junior/01-jr-songs/jr-song.md",
        ])
    }

    @Test func publishedNeedsAReviewerAndNoOpenChecks() throws {
        let p = try problems(LintFixture.lesson(status: "published", extra: "checks: [侗族大歌有2500年历史]")).map(\.description)
        #expect(p.contains("\(file):12: published needs `reviewer`"))
        #expect(p.contains("\(file):12: published needs `reviewedOn`"))
        #expect(p.contains("\(file):19: a lesson with open checks cannot be published; confirm them and clear `checks`"))
        let ok = LintFixture.lesson(status: "published", extra: "reviewer: 王老师\nreviewedOn: 2026-11-20")
        #expect(try problems(ok).isEmpty)
        let badDate = LintFixture.lesson(status: "reviewed", extra: "reviewer: 王老师\nreviewedOn: 2026-02-30")
        #expect(try problems(badDate).map(\.description) == ["\(file):20: `reviewedOn` must be a date YYYY-MM-DD, not 2026-02-30"])
    }

    @Test func crossLinksMustResolve() throws {
        let body = "## 导入\n见[上一课](lesson:jr-missing)。\n\n## 课堂活动\n听。\n\n## 讨论\n1. 为什么？\n\n## 教师提示\n注意。\n"
        let p = try problems(LintFixture.lesson(extra: "related: [jr-also-missing]", body: body)).map(\.description)
        #expect(p.contains("\(file):19: related lesson jr-also-missing does not exist"))
        #expect(p.contains("\(file):22: link to lesson jr-missing does not resolve"))
    }

    @Test func emptyAndMissingSectionsFail() throws {
        let body = "## 导入\n\n## 课堂活动\n听。\n\n## 教师提示\n注意。\n"
        let p = try problems(LintFixture.lesson(body: body)).map(\.description)
        #expect(p.contains("\(file):21: section `## 导入` is empty"))
        #expect(p.contains("\(file):21: missing section `## 讨论`"))
    }

    @Test func schemaErrorsNameTheField() throws {
        let text = LintFixture.lesson(extra: "hourz: 2").replacingOccurrences(of: "hours: 1\n", with: "hours: lots\n")
        let p = try problems(text).map(\.description)
        #expect(p.contains("\(file):7: `hours` must be a number"))
        #expect(p.contains("\(file):19: unknown field `hourz`"))
        let noTitle = LintFixture.lesson().replacingOccurrences(of: "title: 机器怎样听侗族大歌\n", with: "")
        #expect(try problems(noTitle).map(\.description) == ["\(file):2: missing field `title`"])
    }

    @Test func brokenYAMLAndRawHTMLFail() throws {
        let yaml = LintFixture.lesson().replacingOccurrences(of: "hours: 1\n", with: "hours: [1\n")
        #expect(try problems(yaml).first?.description.hasPrefix("\(file):") == true)
        #expect(try problems(yaml).first?.message.contains("not valid YAML") == true)
        let html = LintFixture.lesson(body: "## 导入\n<script>alert(1)</script>\n\n## 课堂活动\n听。\n\n## 讨论\n1. 为什么？\n\n## 教师提示\n注意。\n")
        #expect(try problems(html).map(\.description) == ["\(file):22: raw HTML is not allowed in lessons; write Markdown"])
    }

    @Test func sourcesNeedAnAddressOrANoteAndKnownTags() throws {
        let broken = LintFixture.sources
            .replacingOccurrences(of: "    note: address given only in part\n", with: "")
            .replacingOccurrences(of: "tags: [red:zunyi]", with: "tags: [red:zunyi, hakka]")
        let p = try problems(LintFixture.lesson(), sources: broken).map(\.description)
        #expect(p.contains { $0.hasPrefix("Curriculum/sources.yaml:") && $0.hasSuffix("`sources.url` is missing; give the address, or a `note` saying why there is none") })
        #expect(p.contains { $0.hasPrefix("Curriculum/sources.yaml:") && $0.hasSuffix("`sources.tags` names hakka, which is not a tag in `tags`") })
    }

    @Test func unitFoldersAreNamedAndDescribed() throws {
        let f = try LintFixture.make(lessons: ["junior/songs/jr-song.md": LintFixture.lesson()])
        defer { f.remove() }
        #expect(f.lint().map(\.description) == ["Curriculum/junior/songs:1: a unit folder is named NN-slug (two digits, a hyphen, a lower-case slug), not songs"])
        let g = try LintFixture.make(unit: "title: 声音\ntitleEn: Sound\n")
        defer { g.remove() }
        #expect(g.lint().map(\.description) == ["Curriculum/junior/01-jr-songs/unit.yaml:1: missing field `summary`"])
    }
}

@Suite struct UnitOrderTests {
    @Test func unitYamlSetsTheTeachingOrderAndMustNameEveryLesson() throws {
        let lessons = [
            "junior/01-jr-songs/jr-song.md": LintFixture.lesson(),
            "junior/01-jr-songs/jr-another.md": LintFixture.lesson(slug: "jr-another"),
        ]
        let ordered = try LintFixture.make(lessons: lessons, unit: "title: 声音\ntitleEn: Sound\nsummary: 听。\nlessons: [jr-song, jr-another]\n")
        defer { ordered.remove() }
        let (content, problems) = CurriculumLoader.load(from: ordered.root)
        #expect(problems.isEmpty)
        #expect(content.units.first?.lessons == ["jr-song", "jr-another"])

        let partial = try LintFixture.make(lessons: lessons, unit: "title: 声音\ntitleEn: Sound\nsummary: 听。\nlessons: [jr-song, jr-gone]\n")
        defer { partial.remove() }
        #expect(partial.lint().map(\.description) == [
            "Curriculum/junior/01-jr-songs/unit.yaml:4: `lessons` leaves out jr-another; list every lesson of the unit in teaching order",
            "Curriculum/junior/01-jr-songs/unit.yaml:4: `lessons` names jr-gone, which is not a lesson of this unit",
        ])
    }
}
