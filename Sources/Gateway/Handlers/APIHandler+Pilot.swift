import Foundation
import QianxueAPI
import QianxueCore
import Registry

extension APIHandler {
    func getSchoolPilot(_ input: Operations.GetSchoolPilot.Input) async throws -> Operations.GetSchoolPilot.Output {
        let view = try await registry.pilotRecord(schoolID: try parseUUID(input.path.id, field: "id"), for: RequestScope.caller())
        return .ok(.init(body: .json(.init(view))))
    }

    func setSchoolPilot(_ input: Operations.SetSchoolPilot.Input) async throws -> Operations.SetSchoolPilot.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the enrolment as JSON") }
        let view = try await registry.setPilot(schoolID: try parseUUID(input.path.id, field: "id"), cohort: b.cohort,
                                               status: PilotStatus(rawValue: b.status.rawValue)!, by: RequestScope.caller())
        return .ok(.init(body: .json(.init(view))))
    }

    func listIndicatorSeries(_ input: Operations.ListIndicatorSeries.Input) async throws -> Operations.ListIndicatorSeries.Output {
        let series = try await registry.indicatorSeries(schoolID: try parseUUID(input.path.id, field: "id"),
                                                        indicator: input.query.indicator?.rawValue, for: RequestScope.caller())
        return .ok(.init(body: .json(.init(items: series.map { .init(indicator: .init($0.0), measurements: $0.1.map(Components.Schemas.Measurement.init)) }))))
    }

    func recordIndicator(_ input: Operations.RecordIndicator.Input) async throws -> Operations.RecordIndicator.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the measurement as JSON") }
        let m = try await registry.recordMeasurement(schoolID: try parseUUID(input.path.id, field: "id"), indicator: b.indicator.rawValue,
                                                     measuredOn: b.measuredOn, value: b.value, note: b.note, by: RequestScope.caller())
        return .created(.init(body: .json(.init(m))))
    }

    func updateMilestone(_ input: Operations.UpdateMilestone.Input) async throws -> Operations.UpdateMilestone.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the milestone as JSON") }
        let m = try await registry.updateMilestone(schoolID: try parseUUID(input.path.id, field: "id"), code: input.path.code,
                                                   status: b.status.rawValue, completedOn: b.completedOn, by: RequestScope.caller())
        return .ok(.init(body: .json(.init(m))))
    }

    func getPilotProgramme(_ input: Operations.GetPilotProgramme.Input) async throws -> Operations.GetPilotProgramme.Output {
        let s = try await registry.pilotProgramme(region: input.query.region, for: RequestScope.caller())
        return .ok(.init(body: .json(.init(
            regionCode: s.region.code.rawValue, goal: PilotCatalogue.goal, goalYear: PilotCatalogue.goalYear, pilotSchools: s.pilotSchools,
            byRegion: s.byRegion.map { r in
                .init(regionCode: r.region.code.rawValue, regionName: r.region.name, candidate: r.counts[.candidate] ?? 0,
                      pilot: r.counts[.pilot] ?? 0, graduated: r.counts[.graduated] ?? 0, withdrawn: r.counts[.withdrawn] ?? 0)
            },
            indicators: s.distributions.map { d in
                .init(indicator: .init(d.indicator), schoolsReporting: d.values.count, meetingTarget: d.meetingTarget,
                      min: d.quantile(0), p25: d.quantile(0.25), median: d.quantile(0.5), p75: d.quantile(0.75), max: d.quantile(1))
            },
            milestones: .init(onTrack: s.tracks[.onTrack] ?? 0, atRisk: s.tracks[.atRisk] ?? 0, behind: s.tracks[.behind] ?? 0)))))
    }
}

extension Components.Schemas.Indicator {
    init(_ i: PilotIndicator) {
        self.init(code: .init(rawValue: i.code)!, name: i.name, nameEn: i.nameEn, unit: .init(rawValue: i.unit.rawValue)!, target: i.target)
    }
}

extension Components.Schemas.Measurement {
    init(_ m: MeasurementRecord) {
        self.init(id: m.id.uuidString.lowercased(), indicator: .init(rawValue: m.indicator.code)!, measuredOn: m.measuredOn, value: m.value,
                  note: m.note, recordedAt: m.recordedAt, recordedBy: m.recordedBy?.uuidString.lowercased())
    }
}

extension Components.Schemas.Milestone {
    init(_ m: MilestoneRecord) {
        self.init(code: m.code, title: m.title, dueOn: m.dueOn, status: .init(rawValue: m.status)!, completedOn: m.completedOn,
                  track: .init(rawValue: m.track.rawValue)!)
    }
}

extension Components.Schemas.SchoolPilot {
    init(_ v: SchoolPilotView) {
        self.init(schoolId: v.schoolID.uuidString.lowercased(), cohort: v.cohort, status: v.status.flatMap { .init(rawValue: $0.rawValue) },
                  indicators: v.latest.map { .init(indicator: .init($0.indicator), latest: $0.measurement.map(Components.Schemas.Measurement.init),
                                                   meetsTarget: $0.measurement?.meetsTarget) },
                  milestones: v.milestones.map(Components.Schemas.Milestone.init))
    }
}
