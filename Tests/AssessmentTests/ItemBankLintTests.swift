import Foundation
import Testing
@testable import Assessment

/// Each broken fixture must fail the item-bank lint with `file:line: message` naming the fault.
@Suite struct ItemBankLintTests {
    let file = "Curriculum/assessment/items.yaml"
    typealias F = ItemBankFixture

    @Test func theValidFixtureOfEveryTypePasses() throws {
        // given one item of each type
        let text = F.single() + F.multiple() + F.ordering() + F.constructed()
        // when
        let f = try F.make(["items.yaml": text])
        defer { f.remove() }
        let (bank, problems) = f.load()
        // then
        #expect(problems.isEmpty)
        #expect(bank.items.map(\.type) == [.single, .multiple, .ordering, .constructed])
        #expect(bank.item(id: "ta-u-001")?.context == ["guizhou", "dong"])
        #expect(bank.item(id: "hm-c-001")?.rubric?.levels.map(\.points) == [0, 1, 2])
    }

    @Test func unknownMissingAndMistypedFieldsAreNamedOnTheirLines() throws {
        let text = F.single(extra: "  answer: A\n")
            .replacingOccurrences(of: "  type: single\n", with: "  type: truefalse\n")
            .replacingOccurrences(of: "  difficulty: -1.0\n", with: "  difficulty: hard\n")
            .replacingOccurrences(of: "  stem: 要让电脑学会认出侗族大歌，最好给它听什么？\n", with: "")
        let p = try F.problems(text)
        #expect(p.contains("\(file):2: `type` must be single, multiple, ordering or constructed, not truefalse"))
        #expect(p.contains("\(file):5: `difficulty` must be a number"))
        #expect(p.contains("\(file):1: missing field `stem`"))
        #expect(p.contains("\(file):16: unknown field `answer`"))
    }

    @Test func idsAreUniqueAcrossFilesAndStartWithTheirCompetency() throws {
        let f = try F.make(["a.yaml": F.single(), "b.yaml": F.single(stem: "另一道关于侗族大歌录音的题？")])
        defer { f.remove() }
        #expect(f.load().diagnostics.map(\.description) == [
            "Curriculum/assessment/b.yaml:1: id ta-u-001 is also used at Curriculum/assessment/a.yaml:1",
        ])
        #expect(try F.problems(F.single(id: "et-u-001")) == ["\(file):1: `id` et-u-001 must start with its competency code, ta-u-"])
        #expect(try F.problems(F.single(id: "TA_U_1")) == ["\(file):1: `id` must be lower-case letters, digits and single hyphens, not TA_U_1"])
    }

    @Test func competencyMustBeAStudentCode() throws {
        let p = try F.problems(F.single(id: "pe-de-001", competency: "PE-DE"))
        #expect(p == ["\(file):3: `competency` PE-DE is not a student code such as TA-A (HM|ET|TA|SD - U|A|C)"])
    }

    @Test func bandsMustBeKnownAndAdjacent() throws {
        #expect(try F.problems(F.single(bands: "[primary-lower, junior]"))
            == ["\(file):4: `bands` primary-lower, junior are not adjacent; an item may only serve neighbouring bands"])
        #expect(try F.problems(F.single(bands: "[grade-1]"))
            == ["\(file):4: `bands` names grade-1, which is not a band (primary-lower, primary-upper, junior, senior, vocational, higher)"])
        #expect(try F.problems(F.single(bands: "[primary-lower, primary-upper, junior, senior]"))
            == ["\(file):4: `bands` names 4 bands; an item suits at most 3 adjacent bands"])
        // Vocational sits beside junior and senior; higher follows either.
        #expect(try F.problems(F.single(bands: "[junior, vocational, higher]")).isEmpty)
        #expect(try F.problems(F.single(bands: "[]")) == ["\(file):4: missing field `bands`"])
    }

    @Test func optionsNumberTwoToSixAndAreLabelledInOrder() throws {
        let one = F.single(options: "    - {id: A, text: 只有一个选项}")
        #expect(try F.problems(one) == ["\(file):9: `options` has 1 options; an item has 2 to 6"])
        let repeated = F.single(options: "    - {id: A, text: 录音}\n    - {id: A, text: 钢琴曲}")
        #expect(try F.problems(repeated) == ["\(file):11: `options.id` A is used twice; option ids are unique"])
        let skipped = F.single(options: "    - {id: A, text: 录音}\n    - {id: C, text: 钢琴曲}")
        #expect(try F.problems(skipped) == ["\(file):11: `options.id` is C but option 2 is labelled B; options are labelled A, B, C… in order"])
        let sameText = F.single(options: "    - {id: A, text: 录音}\n    - {id: B, text: 录音}")
        #expect(try F.problems(sameText) == ["\(file):11: `options.text` 录音 appears twice"])
    }

    @Test func keysReferToOptionsAsTheTypeRequires() throws {
        #expect(try F.problems(F.single(key: "D")) == ["\(file):13: `key` names D, which is not an option (A, B, C)"])
        #expect(try F.problems(F.single(key: "[A, B]")) == ["\(file):13: `key` of a single-choice item is exactly one option id"])
        #expect(try F.problems(F.multiple(key: "[A]")) == ["\(file):12: `key` of a multiple-choice item names at least 2 options; with one, make it single"])
        #expect(try F.problems(F.multiple(key: "[A, B, C, D]")) == ["\(file):12: `key` names every option; keep at least one distractor"])
        #expect(try F.problems(F.multiple(key: "[A, E]")) == ["\(file):12: `key` names E, which is not an option (A, B, C, D)"])
        #expect(try F.problems(F.ordering(key: "[B, A]")) == ["\(file):11: `key` must place every option exactly once (A, B, C) to be an order"])
        #expect(try F.problems(F.ordering(key: "[A, B, C]")) == ["\(file):11: `key` is the order the options are listed in; list them shuffled"])
    }

    @Test func aRubricIsPresentExactlyForConstructedItems() throws {
        #expect(try F.problems(F.constructed(rubric: "")) == ["\(file):1: missing field `rubric`: a constructed item is scored by its teacher against a rubric"])
        let withRubric = F.single(extra: "  rubric:\n    maxPoints: 1\n    correctAt: 1\n    levels: [{points: 0, descriptor: 无}, {points: 1, descriptor: 有}]\n")
        #expect(try F.problems(withRubric) == ["\(file):17: `rubric` only constructed items have a rubric; a single item is scored by its key"])
        let withOptions = F.constructed(extra: "  options:\n    - {id: A, text: 一}\n    - {id: B, text: 二}\n")
        #expect(try F.problems(withOptions) == ["\(file):16: `options` must be left out: a constructed item is answered in the student's own words"])
        let gap = F.constructed(rubric: "  rubric:\n    maxPoints: 3\n    correctAt: 4\n    levels:\n      - {points: 0, descriptor: 无}\n      - {points: 3, descriptor: 全}")
        #expect(try F.problems(gap) == [
            "\(file):9: `rubric.correctAt` is the lowest score counted correct, 1 to 3, not 4",
        ])
        let missingLevel = F.constructed(rubric: "  rubric:\n    maxPoints: 3\n    correctAt: 2\n    levels:\n      - {points: 0, descriptor: 无}\n      - {points: 3, descriptor: 全}")
        #expect(try F.problems(missingLevel) == ["\(file):10: `rubric.levels` must describe every score from 0 to 3 once"])
    }

    @Test func difficultyStaysWithinThreeLogits() throws {
        let p = try F.problems(F.single().replacingOccurrences(of: "difficulty: -1.0", with: "difficulty: 3.5"))
        #expect(p == ["\(file):5: `difficulty` must be between −3 and 3 logits, not 3.5"])
    }

    @Test func publishedItemsNeedAReviewerAndADate() throws {
        let p = try F.problems(F.single(review: "  status: published\n"))
        #expect(p == ["\(file):14: `status` published needs `reviewedOn`", "\(file):14: `status` published needs `reviewer`"])
        let badDate = try F.problems(F.single(review: "  status: reviewed\n  reviewer: 王老师\n  reviewedOn: 2026-02-30\n"))
        #expect(badDate == ["\(file):16: `reviewedOn` must be a date YYYY-MM-DD, not 2026-02-30"])
        #expect(try F.problems(F.single(review: "  status: draft\n")).isEmpty)
    }

    @Test func guizhouSettingsCiteSourcesThatBackTheirTags() throws {
        #expect(try F.problems(F.single(sources: "[]")) == ["\(file):6: `context` sets the item in Guizhou; cite the `sources` its facts come from"])
        #expect(try F.problems(F.single(context: "[guizhou, red:zunyi]"))
            == ["\(file):6: `context` names red:zunyi, but none of the item's sources covers red:zunyi"])
        #expect(try F.problems(F.single(context: "[naxi]")) == ["\(file):6: `context` names naxi, which is neither `guizhou` nor a culture tag of sources.yaml"])
        #expect(try F.problems(F.single(sources: "[dong-song-2099]")) == ["\(file):7: `sources` names dong-song-2099, which is not an entry of sources.yaml"])
        // An item with no local setting needs neither.
        #expect(try F.problems(F.single(context: "[]", sources: "[]")).isEmpty)
    }

    @Test func theSameStemMayNotBeAskedTwice() throws {
        let copy = F.single(id: "ta-u-002", stem: "要让电脑学会认出侗族大歌，最好给它听什么?")
        #expect(try F.problems(F.single() + copy) == ["\(file):17: ta-u-002 asks the same question as ta-u-001"])
    }

    @Test func calibrationParametersAreReadAndChecked() throws {
        let ok = try F.make(["items.yaml": F.single(extra: "  irt: {a: 1.2, b: -0.4, calibratedOn: 2027-06-30, n: 1240}\n")])
        defer { ok.remove() }
        #expect(ok.load().bank.item(id: "ta-u-001")?.irt == IRTParameters(a: 1.2, b: -0.4, calibratedOn: "2027-06-30", n: 1240))
        let bad = try F.problems(F.single(extra: "  irt: {a: 0, b: -0.4, calibratedOn: 2027-06-30, n: 0}\n"))
        #expect(bad == [
            "\(file):17: `irt.a` must be a discrimination above 0 and at most 4, not 0.0",
            "\(file):17: `irt.n` must count at least one response",
        ])
    }

    @Test func brokenFilesAreReportedWithoutStoppingTheRest() throws {
        let f = try F.make([
            "a.yaml": "- id: [ta-u-001\n",
            "b.yaml": "id: ta-u-001\n",
            "notes.txt": "草稿",
            "c.yaml": F.single(),
        ])
        defer { f.remove() }
        let (bank, problems) = f.load()
        let p = problems.map(\.description)
        #expect(p.contains { $0.hasPrefix("Curriculum/assessment/a.yaml:") && $0.contains("not valid YAML") })
        #expect(p.contains("Curriculum/assessment/b.yaml:1: an item file is a YAML list of items (`- id: …`)"))
        #expect(p.contains("Curriculum/assessment/notes.txt:1: unexpected file; the item bank holds README.md, .yaml item files and forms/"))
        #expect(bank.items.map(\.id) == ["ta-u-001"])
    }

    @Test func coverageShortfallsAreLintErrors() throws {
        // given a bank of one published primary item
        let f = try F.make(["items.yaml": F.single()])
        defer { f.remove() }
        // when the shipped coverage is required
        let p = f.load(coverage: .standard).diagnostics.map(\.description)
        // then every cell and every basic-education band is short
        #expect(p.contains("Curriculum/assessment:1: coverage: TA-U has 1 published item; it needs at least 10"))
        #expect(p.contains("Curriculum/assessment:1: coverage: SD-C has 0 published items; it needs at least 10"))
        #expect(p.contains("Curriculum/assessment:1: coverage: primary-lower has 1 published item it can use; it needs at least 60"))
        #expect(p.contains("Curriculum/assessment:1: coverage: senior has 0 published items it can use; it needs at least 60"))
        #expect(p.count == 12 + 4)
        // and drafts do not count
        let draft = try F.make(["items.yaml": F.single(review: "  status: draft\n")])
        defer { draft.remove() }
        let small = ItemBankCoverage(minimumPerCompetency: 0, minimumPerBand: 1, bands: [.primaryLower])
        #expect(draft.load(coverage: small).diagnostics.map(\.description)
            == ["Curriculum/assessment:1: coverage: primary-lower has 0 published items it can use; it needs at least 1"])
    }
}
