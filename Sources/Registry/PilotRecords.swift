import Foundation

/// One stored measurement of an indicator.
public struct MeasurementRecord: Sendable, Hashable {
    public let id: UUID
    public let schoolID: UUID
    public let indicator: PilotIndicator
    public let measuredOn: String
    public let value: Double
    public let note: String?
    public let recordedAt: Date
    public let recordedBy: UUID?

    init?(_ m: PilotMeasurementModel) {
        guard let i = PilotCatalogue.indicator(m.indicator) else { return nil }
        id = m.id!
        schoolID = m.schoolID
        indicator = i
        measuredOn = m.measuredOn
        value = m.value
        note = m.note
        recordedAt = m.recordedAt
        recordedBy = m.recordedBy
    }

    public var meetsTarget: Bool { value >= indicator.target }
}

/// A school's milestone and how it stands today.
public struct MilestoneRecord: Sendable, Hashable {
    public let code: String
    public let title: String
    public let dueOn: String
    public let status: String
    public let completedOn: String?
    public let track: MilestoneTrack
}

/// A school's pilot standing: enrolment, the latest value of each indicator, milestones.
public struct SchoolPilotView: Sendable {
    public let schoolID: UUID
    public let cohort: Int?
    public let status: PilotStatus?
    public let latest: [(indicator: PilotIndicator, measurement: MeasurementRecord?)]
    public let milestones: [MilestoneRecord]
}

/// The programme in a region.
public struct PilotProgrammeSummary: Sendable {
    public struct RegionCount: Sendable {
        public let region: Region
        public var counts: [PilotStatus: Int]
    }

    public struct Distribution: Sendable {
        public let indicator: PilotIndicator
        public let values: [Double]
        public let meetingTarget: Int

        /// The q-quantile by linear interpolation; nil with no values.
        public func quantile(_ q: Double) -> Double? {
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted()
            let pos = q * Double(sorted.count - 1)
            let lo = Int(pos.rounded(.down)), hi = Int(pos.rounded(.up))
            return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - Double(lo))
        }
    }

    public let region: Region
    public let pilotSchools: Int
    public let byRegion: [RegionCount]
    public let distributions: [Distribution]
    public let tracks: [MilestoneTrack: Int]
}
