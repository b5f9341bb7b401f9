import FluentKit
import Foundation
import Persistence
import QianxueCore

extension RegistryService {
    /// The pilot programme in a region, for bureau users in scope and admins.
    public func pilotProgramme(region code: String?, for p: Principal,
                               today: String = PlatformCalendar.day(of: Date())) async throws -> PilotProgrammeSummary {
        let region = try await reportingRegion(code, for: p, what: "the programme summary")
        let enrolments = try await PilotEnrolmentModel.query(on: database.db).all()
        let schoolRows = enrolments.isEmpty ? [] : try await SchoolModel.query(on: database.db)
            .filter(\.$id ~~ enrolments.map(\.schoolID)).filter(\.$countyCode =~ region.code.rawValue).all()
        let countyOf = Dictionary(uniqueKeysWithValues: schoolRows.map { ($0.id!, RegionCode($0.countyCode)!) })
        let inRegion = enrolments.filter { countyOf[$0.schoolID] != nil }

        // Counts per child region (or the county itself).
        let children = region.level == .county ? [region] : regions.children(of: region.code)
        var byRegion = children.map { PilotProgrammeSummary.RegionCount(region: $0, counts: [:]) }
        for e in inRegion {
            guard let county = countyOf[e.schoolID], let status = PilotStatus(rawValue: e.status),
                  let i = byRegion.firstIndex(where: { $0.region.code.contains(county) }) else { continue }
            byRegion[i].counts[status, default: 0] += 1
        }

        let named = inRegion.filter { PilotStatus(rawValue: $0.status)?.isNamedPilot == true }.map(\.schoolID)
        let series = try await measurements(schoolIDs: named)
        let bySchool = Dictionary(grouping: series, by: \.schoolID)
        let distributions = PilotCatalogue.indicators.map { indicator in
            let latest = named.compactMap { Self.latest(bySchool[$0] ?? [], indicator.code) }
            return PilotProgrammeSummary.Distribution(indicator: indicator, values: latest.map(\.value),
                                                      meetingTarget: latest.filter(\.meetsTarget).count)
        }
        var tracks: [MilestoneTrack: Int] = [.onTrack: 0, .atRisk: 0, .behind: 0]
        if !named.isEmpty {
            for m in try await PilotMilestoneModel.query(on: database.db).filter(\.$schoolID ~~ named).all() {
                tracks[MilestoneTrack.of(status: m.status, dueOn: m.dueOn, today: today), default: 0] += 1
            }
        }
        return PilotProgrammeSummary(region: region, pilotSchools: named.count, byRegion: byRegion,
                                     distributions: distributions, tracks: tracks)
    }
}
