import Assessment
import QianxueCore
import Testing

@Suite struct FixedFormTests {
    let pool = SyntheticBank.pool

    @Test func parallelPreAndPostFormsShareNoItemAndMeasureAlike() {
        // given the junior band's prior
        let prior = BandPrior.provisional[.junior]!

        // when two 20-item forms are assembled
        let forms = FixedForm.assemble(from: pool, band: .junior, length: 20, forms: 2, prior: prior)

        // then they are disjoint, 5 items per dimension each, all suited to the band, easiest first,
        // and their information averaged over the band's students differs by under 5%
        #expect(forms.count == 2 && forms.allSatisfy { $0.itemIDs.count == 20 })
        #expect(Set(forms[0].itemIDs).isDisjoint(with: forms[1].itemIDs))
        for form in forms {
            let items = form.itemIDs.map { pool.item(id: $0)! }
            #expect(Dictionary(grouping: items, by: \.dimension).mapValues(\.count).values.allSatisfy { $0 == 5 })
            #expect(items.allSatisfy { $0.bands.contains(.junior) })
            #expect(items.map(\.parameters.b) == items.map(\.parameters.b).sorted())
        }
        let students = prior.quadrature()
        let information = forms.map { form in
            zip(students.points, students.weights).reduce(0) { total, point in
                total + point.1 * form.itemIDs.reduce(0) { $0 + pool.item(id: $1)!.parameters.information(point.0) }
            }
        }
        #expect(abs(information[0] - information[1]) / information[0] < 0.05, "\(information)")
    }

    @Test func quotasFollowTheContentTargets() {
        // given targets of one half techniques and one sixth for three other dimensions
        let targets: CodeTable<Competency.Dimension, Double> = [.techniques: 3, .ethics: 1, .humanCentred: 1, .systemDesign: 1]

        // when a 10-item form is assembled, and one that excludes the first form's items
        let form = FixedForm.assemble(from: pool, band: .senior, length: 10, prior: BandPrior(mean: 0.5), contentTargets: targets)[0]
        let other = FixedForm.assemble(from: pool, band: .senior, length: 10, prior: BandPrior(mean: 0.5), contentTargets: targets,
                                       excluding: Set(form.itemIDs))[0]

        // then techniques gets 5 and the largest remainders go in the framework's order
        let counts = Dictionary(grouping: form.itemIDs.map { pool.item(id: $0)!.dimension }, by: { $0 }).mapValues(\.count)
        #expect(counts == [.techniques: 5, .humanCentred: 2, .ethics: 2, .systemDesign: 1])
        #expect(Set(form.itemIDs).isDisjoint(with: other.itemIDs) && other.itemIDs.count == 10)
    }

    @Test func aSittingIsScoredOnTheFormsItemsOnly() throws {
        // given a form and a sitting that skipped one item
        let form = FixedForm.assemble(from: pool, band: .primaryUpper, length: 8, prior: BandPrior(mean: -0.5))[0]
        var answers = Dictionary(uniqueKeysWithValues: form.itemIDs.enumerated().map { ($1, $0 < 4) })
        answers[form.itemIDs[7]] = nil

        // when it is scored
        let responses = try form.responses(answers, pool: pool)
        let profile = try form.profile(answers, pool: pool, prior: BandPrior(mean: -0.5))

        // then the skipped item is left out, and an answer to an item not on the form is refused
        #expect(responses.count == 7 && profile.itemCount == 7)
        #expect(profile.overall.se < 1)
        answers["syn-not-on-form"] = true
        #expect(throws: FixedFormError.notOnForm("syn-not-on-form")) { try form.responses(answers, pool: pool) }
    }
}
