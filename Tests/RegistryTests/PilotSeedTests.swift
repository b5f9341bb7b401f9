import Foundation
import QianxueCore
@testable import Registry
import Testing
import TestSupport

@Suite struct PilotSeedTests {
    @Test func theHundredAreSpreadInProportionToPopulation() throws {
        let allocation = try PilotSchoolSeed.allocation()
        #expect(allocation.reduce(0) { $0 + $1.count } == 100)
        let byCode = Dictionary(uniqueKeysWithValues: allocation.map { ($0.code.rawValue, $0.count) })
        #expect(byCode["5205"] == 18)   // Bijie, the most populous
        #expect(byCode["5203"] == 17)   // Zunyi
        #expect(byCode["5204"] == 6)    // Anshun, the least
    }

    @Test func milestonesAreTrackedAgainstTheirDueDates() {
        #expect(MilestoneTrack.of(status: "done", dueOn: "2026-01-01", today: "2026-11-29") == .onTrack)
        #expect(MilestoneTrack.of(status: "in_progress", dueOn: "2026-11-01", today: "2026-11-29") == .behind)
        #expect(MilestoneTrack.of(status: "not_started", dueOn: "2026-12-20", today: "2026-11-29") == .atRisk)
        #expect(MilestoneTrack.of(status: "in_progress", dueOn: "2027-05-01", today: "2026-11-29") == .onTrack)
    }

    @Test(arguments: TestDatabase.engines)
    func seededSchoolsAreSyntheticInRealCountiesAndTheSameEverywhere(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            let regions = f.registry.regions
            let first = try PilotSchoolSeed.schools(regions: regions)
            let second = try PilotSchoolSeed.schools(regions: regions)
            #expect(first.map(\.profile.name) == second.map(\.profile.name))
            #expect(first.allSatisfy { $0.profile.synthetic && $0.profile.name.hasPrefix("示例") })
            #expect(first.allSatisfy { regions.region(RegionCode($0.profile.county)!)?.level == .county })
            let admin = try await f.principal(f.admin)
            let summary = try await f.registry.pilotProgramme(region: nil, for: admin, today: "2026-11-29")
            #expect(summary.pilotSchools == 100)
            // Two years of history that shows progress: across the schools, course hours grew from the first report to the last.
            let schools = try await f.registry.listSchools(for: admin, filter: SchoolFilter(pilot: true), page: try PageQuery(size: 100))
            var grew = 0
            for s in schools.items {
                let series = try await f.registry.indicatorSeries(schoolID: s.id, indicator: "ai_course_hours_per_term", for: admin)
                let values = series[0].1.map(\.value)
                #expect(values.count == PilotSchoolSeed.reportDays.count)
                if let a = values.first, let b = values.last, b > a { grew += 1 }
            }
            #expect(grew >= 90)
        }
    }
}
