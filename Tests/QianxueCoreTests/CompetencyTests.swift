import QianxueCore
import Testing

@Suite struct CompetencyTests {
    @Test func theGridHasTwelveCellsAndCodesRoundTrip() {
        #expect(Competency.grid.count == 12)
        for c in Competency.grid { #expect(Competency(code: c.code) == c) }
        #expect(Competency(code: "TA-A") == Competency(.techniques, .apply))
        #expect(Competency(code: "TA-X") == nil)
        #expect(Competency(code: "XX-U") == nil)
        #expect(Competency.Level.understand < Competency.Level.create)
    }
}
