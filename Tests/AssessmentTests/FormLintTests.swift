import Foundation
import QianxueCore
import Testing
import TestSupport
@testable import Assessment

/// The fixed forms in `Curriculum/assessment/forms/`, and what the lint says of broken ones.
@Suite struct FormLintTests {
    static let shipped = FormLoader.load(from: Repository.curriculum.appendingPathComponent("assessment/forms"), bank: ShippedItemBank.bank)

    /// Writes form files into a temporary `Curriculum/assessment/forms` and lints them against the shipped bank.
    func lint(_ files: [String: String]) throws -> (forms: [TestForm], problems: [String]) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        let folder = root.appendingPathComponent("Curriculum/assessment/forms")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let (forms, problems) = FormLoader.load(from: folder, bank: ShippedItemBank.bank)
        return (forms, problems.map(\.description))
    }

    func form(id: String = "junior-2026-2027-1-pre", term: String = "2026-2027-1", band: String = "junior", purpose: String = "pre",
              items: [String], extra: String = "") -> String {
        "id: \(id)\ntitle: 初中前测\nterm: \(term)\nband: \(band)\npurpose: \(purpose)\nitems:\n"
            + items.map { "  - \($0)\n" }.joined() + "status: published\nreviewer: 王老师\nreviewedOn: 2026-11-29\n" + extra
    }

    /// Eight published junior items, two of each dimension.
    var juniorItems: [String] {
        Competency.Dimension.allCases.flatMap { d in
            ShippedItemBank.bank.items(in: .junior).filter { $0.competency.dimension == d }.prefix(2).map(\.id)
        }
    }

    @Test func theShippedFormsPassTheLintAndPairUpForEveryBasicBand() throws {
        #expect(Self.shipped.diagnostics.map(\.description) == [])
        for band in [GradeBand.primaryLower, .primaryUpper, .junior, .senior] {
            let pre = try #require(Self.shipped.forms.first { $0.band == band && $0.purpose == .pre }, "\(band)")
            let post = try #require(Self.shipped.forms.first { $0.band == band && $0.purpose == .post && $0.term == pre.term }, "\(band)")
            #expect(Set(pre.itemIDs).isDisjoint(with: post.itemIDs))
            for form in [pre, post] {
                let summary = ShippedItemBank.bank.summary(of: form)
                #expect(summary.itemsPerDimension.allSatisfy { $0.1 >= 4 }, "\(form.id)")
                #expect(summary.teacherScored >= 1, "\(form.id) has a written answer for the teacher")
            }
        }
    }

    @Test func aGoodFormLoads() throws {
        let (forms, problems) = try lint(["junior-2026-2027-1-pre.yaml": form(items: juniorItems)])
        #expect(problems == [])
        #expect(forms.first?.itemIDs == juniorItems)
    }

    @Test func brokenFormsAreNamedByFileAndField() throws {
        // given forms with an unknown item, a repeated one, an item of another band, a bad term, a wrong id and an unknown field
        let primary = try #require(ShippedItemBank.bank.items.first { !$0.bands.contains(.junior) }).id
        let file = "Curriculum/assessment/forms/junior-2026-2027-1-pre.yaml"
        let (forms, problems) = try lint(["junior-2026-2027-1-pre.yaml": form(
            id: "junior-pre", term: "2026-2028-1", items: juniorItems + ["ta-u-999", juniorItems[0], primary], extra: "notes: 草稿\n")])
        // then each is reported and the form is left out
        #expect(forms.isEmpty)
        #expect(problems.contains("\(file):1: `id` must be the file's name, junior-2026-2027-1-pre, not junior-pre"))
        #expect(problems.contains("\(file):3: `term` must be a term such as 2026-2027-1 (autumn) or 2026-2027-2 (spring), not 2026-2028-1"))
        #expect(problems.contains("\(file):6: `items` lists ta-u-999, which the item bank does not have"))
        #expect(problems.contains("\(file):6: `items` lists \(juniorItems[0]) twice"))
        #expect(problems.contains("\(file):6: `items` lists \(primary), which does not suit the junior band"))
        #expect(problems.contains { $0.hasSuffix("unknown field `notes`") })
    }

    @Test func aPostTestMayNotRepeatItsPreTest() throws {
        let shared = juniorItems
        let (_, problems) = try lint([
            "junior-2026-2027-1-pre.yaml": form(items: shared),
            "junior-2026-2027-1-post.yaml": form(id: "junior-2026-2027-1-post", purpose: "post", items: Array(shared.reversed())),
        ])
        #expect(problems.count == 1)
        #expect(problems.first?.contains("junior-2026-2027-1-post shares") == true)
    }

    @Test func aFormMustCoverEveryDimension() throws {
        let ethicsOnly = ShippedItemBank.bank.items(in: .junior).filter { $0.competency.dimension == .ethics }.prefix(8).map(\.id)
        let (_, problems) = try lint(["junior-2026-2027-1-pre.yaml": form(items: Array(ethicsOnly))])
        #expect(problems == ["Curriculum/assessment/forms/junior-2026-2027-1-pre.yaml:6: `items` must cover all four dimensions; none assesses HM, TA, SD"])
    }
}
