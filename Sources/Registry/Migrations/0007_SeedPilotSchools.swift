import FluentKit
import Foundation
import QianxueCore

/// Loads the 100 synthetic pilot schools with their indicator histories and milestones.
struct SeedPilotSchools: AsyncMigration {
    var name: String { "Registry.0007_SeedPilotSchools" }

    func prepare(on database: any Database) async throws {
        let regions = try await RegionDirectory.load(on: database)
        try await database.transaction { db in
            var rng = SeededRandom(seed: 4242)
            var measurements: [PilotMeasurementModel] = []
            var milestones: [PilotMilestoneModel] = []
            var enrolments: [PilotEnrolmentModel] = []
            let now = Date()
            for s in try PilotSchoolSeed.schools(regions: regions) {
                let m = SchoolModel()
                m.name = s.profile.name
                m.countyCode = s.profile.county
                m.functionalArea = s.profile.functionalArea
                m.stages = try SchoolRules.stages(s.profile.stages)
                m.locale = s.profile.locale.rawValue
                m.enrolment = s.profile.enrolment
                m.contactName = s.profile.contact.name
                m.synthetic = true
                m.version = 1
                m.createdAt = now
                m.updatedAt = now
                try await m.create(on: db)
                let e = PilotEnrolmentModel()
                e.schoolID = m.id!
                e.cohort = s.cohort
                e.status = PilotStatus.pilot.rawValue
                e.updatedAt = now
                enrolments.append(e)
                for p in PilotSchoolSeed.history(s, rng: &rng) {
                    let row = PilotMeasurementModel()
                    row.schoolID = m.id!
                    row.indicator = p.indicator
                    row.measuredOn = p.day
                    row.value = p.value
                    row.recordedAt = now
                    measurements.append(row)
                }
                for t in PilotCatalogue.milestones {
                    let row = PilotMilestoneModel()
                    row.schoolID = m.id!
                    row.code = t.code
                    row.title = t.title
                    row.dueOn = PilotCatalogue.dueOn(t, cohort: s.cohort)
                    let st = PilotSchoolSeed.milestoneStatus(dueOn: row.dueOn, capacity: s.capacity, rng: &rng)
                    row.status = st.status
                    row.completedOn = st.completedOn
                    row.updatedAt = now
                    milestones.append(row)
                }
            }
            try await enrolments.create(on: db)
            for chunk in stride(from: 0, to: measurements.count, by: 500) {
                try await Array(measurements[chunk..<min(chunk + 500, measurements.count)]).create(on: db)
            }
            try await milestones.create(on: db)
        }
    }

    func revert(on database: any Database) async throws {
        let ids = try await SchoolModel.query(on: database).filter(\.$synthetic == true).all().compactMap(\.id)
        guard !ids.isEmpty else { return }
        try await PilotMeasurementModel.query(on: database).filter(\.$schoolID ~~ ids).delete()
        try await PilotMilestoneModel.query(on: database).filter(\.$schoolID ~~ ids).delete()
        try await PilotEnrolmentModel.query(on: database).filter(\.$schoolID ~~ ids).delete()
        try await SchoolModel.query(on: database).filter(\.$id ~~ ids).delete()
    }
}
