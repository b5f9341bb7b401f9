import QianxueCore
import Reports
import Testing

@Suite struct ReportPeriodTests {
    @Test func termsCoverTheirMonths() throws {
        let autumn = try ReportPeriod(term: "2026-2027-1", from: nil, to: nil)
        #expect(autumn.from == "2026-09-01")
        #expect(autumn.to == "2027-01-31")
        let spring = try ReportPeriod(term: "2026-2027-2", from: nil, to: nil)
        #expect(spring.from == "2027-02-01")
    }

    @Test func badPeriodsNameTheParameter() {
        let cases: [(String?, String?, String?, String)] = [
            ("2026-2028-1", nil, nil, "period"),
            (nil, "2026-12-01", "2026-11-01", "from"),
            (nil, "2026-01-01", "2028-06-01", "to"),
            (nil, "2026-02-30", "2026-03-01", "from"),
            (nil, nil, "2026-03-01", "from"),
            ("2026-2027-1", "2026-09-01", nil, "period"),
        ]
        for (term, from, to, field) in cases {
            do {
                _ = try ReportPeriod(term: term, from: from, to: to)
                Issue.record("\(String(describing: term)) \(String(describing: from)) \(String(describing: to)) must be refused")
            } catch let e as AppError {
                #expect(e.fields == [field])
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}
