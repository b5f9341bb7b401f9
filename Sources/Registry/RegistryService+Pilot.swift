import FluentKit
import Foundation
import Persistence
import QianxueCore

extension RegistryService {
    /// Enrols a school in a cohort or changes its status (admins). Milestones are laid out for the cohort.
    public func setPilot(schoolID: UUID, cohort: Int, status: PilotStatus, by p: Principal) async throws -> SchoolPilotView {
        _ = try await visibleSchool(schoolID, to: p)
        try p.require(.admin, to: "enrol schools in the pilot programme")
        try await enrol(schoolID: schoolID, cohort: cohort, status: status, on: database.db)
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "pilot.enrol", targetType: "school",
                                          targetID: schoolID.uuidString, detail: "cohort=\(cohort) status=\(status.rawValue)"))
        return try await pilotView(schoolID: schoolID)
    }

    func enrol(schoolID: UUID, cohort: Int, status: PilotStatus, on db: any Database) async throws {
        guard (2024...2030).contains(cohort) else { throw AppError.validation("cohort must be a year from 2024 to 2030", field: "cohort") }
        let e = try await PilotEnrolmentModel.query(on: db).filter(\.$schoolID == schoolID).first() ?? PilotEnrolmentModel()
        let cohortChanged = e.id == nil || e.cohort != cohort
        e.schoolID = schoolID
        e.cohort = cohort
        e.status = status.rawValue
        e.updatedAt = Date()
        try await e.save(on: db)
        guard cohortChanged else { return }
        try await PilotMilestoneModel.query(on: db).filter(\.$schoolID == schoolID).filter(\.$status == "not_started").delete()
        let existing = Set(try await PilotMilestoneModel.query(on: db).filter(\.$schoolID == schoolID).all().map(\.code))
        for t in PilotCatalogue.milestones where !existing.contains(t.code) {
            let m = PilotMilestoneModel()
            m.schoolID = schoolID
            m.code = t.code
            m.title = t.title
            m.dueOn = PilotCatalogue.dueOn(t, cohort: cohort)
            m.status = "not_started"
            m.updatedAt = Date()
            try await m.create(on: db)
        }
    }

    public func pilotRecord(schoolID: UUID, for p: Principal, today: String = PlatformCalendar.day(of: Date())) async throws -> SchoolPilotView {
        _ = try await visibleSchool(schoolID, to: p)
        return try await pilotView(schoolID: schoolID, today: today)
    }

    func pilotView(schoolID: UUID, today: String = PlatformCalendar.day(of: Date())) async throws -> SchoolPilotView {
        let e = try await PilotEnrolmentModel.query(on: database.db).filter(\.$schoolID == schoolID).first()
        let series = try await measurements(schoolIDs: [schoolID])
        let latest = PilotCatalogue.indicators.map { i in (indicator: i, measurement: Self.latest(series, i.code)) }
        let milestones = try await PilotMilestoneModel.query(on: database.db).filter(\.$schoolID == schoolID).sort(\.$dueOn).all()
            .map { Self.milestone($0, today: today) }
        return SchoolPilotView(schoolID: schoolID, cohort: e?.cohort, status: e.flatMap { PilotStatus(rawValue: $0.status) },
                               latest: latest, milestones: milestones)
    }

    /// Appends a measurement (the school's admins, admins). History is never overwritten.
    public func recordMeasurement(schoolID: UUID, indicator code: String, measuredOn: String, value: Double, note: String?,
                                  by p: Principal) async throws -> MeasurementRecord {
        try await requireSchoolAdmin(schoolID, p, to: "record the school's indicators")
        guard let indicator = PilotCatalogue.indicator(code) else {
            throw AppError.validation("indicator '\(code)' is not one of the programme's indicators", field: "indicator")
        }
        guard PlatformCalendar.parseDay(measuredOn) != nil else {
            throw AppError.validation("measuredOn '\(measuredOn)' is not a date YYYY-MM-DD", field: "measuredOn")
        }
        guard measuredOn <= PlatformCalendar.day(of: Date()) else {
            throw AppError.validation("measuredOn \(measuredOn) lies in the future", field: "measuredOn")
        }
        guard value.isFinite, indicator.accepts(value) else {
            throw AppError.validation("\(value) is not a valid value in \(indicator.unit.rawValue) for \(code)", field: "value")
        }
        if let note, note.count > 500 { throw AppError.validation("the note is longer than 500 characters", field: "note") }
        guard try await PilotEnrolmentModel.query(on: database.db).filter(\.$schoolID == schoolID).first() != nil else {
            throw AppError.conflict("the school is not in the pilot programme")
        }
        let m = PilotMeasurementModel()
        m.schoolID = schoolID
        m.indicator = code
        m.measuredOn = measuredOn
        m.value = value
        m.note = note
        m.recordedAt = Date()
        m.recordedBy = p.userID
        try await m.create(on: database.db)
        return MeasurementRecord(m)!
    }

    /// Every measurement of a school, oldest first, per indicator (all or one).
    public func indicatorSeries(schoolID: UUID, indicator: String?, for p: Principal) async throws -> [(PilotIndicator, [MeasurementRecord])] {
        _ = try await visibleSchool(schoolID, to: p)
        if let indicator, PilotCatalogue.indicator(indicator) == nil {
            throw AppError.validation("indicator '\(indicator)' is not one of the programme's indicators", field: "indicator")
        }
        let all = try await measurements(schoolIDs: [schoolID])
        return PilotCatalogue.indicators.filter { indicator == nil || $0.code == indicator }.map { i in
            (i, all.filter { $0.indicator.code == i.code })
        }
    }

    public func updateMilestone(schoolID: UUID, code: String, status: String, completedOn: String?, by p: Principal,
                                today: String = PlatformCalendar.day(of: Date())) async throws -> MilestoneRecord {
        try await requireSchoolAdmin(schoolID, p, to: "report the school's milestones")
        guard ["not_started", "in_progress", "done"].contains(status) else {
            throw AppError.validation("status '\(status)' is not one of not_started, in_progress, done", field: "status")
        }
        guard let m = try await PilotMilestoneModel.query(on: database.db).filter(\.$schoolID == schoolID).filter(\.$code == code).first() else {
            throw AppError.notFound("milestone \(code)")
        }
        if let c = completedOn {
            guard PlatformCalendar.parseDay(c) != nil, c <= today else {
                throw AppError.validation("completedOn '\(c)' is not a past date YYYY-MM-DD", field: "completedOn")
            }
        }
        m.status = status
        m.completedOn = status == "done" ? (completedOn ?? today) : nil
        m.updatedAt = Date()
        try await m.update(on: database.db)
        return Self.milestone(m, today: today)
    }

    func measurements(schoolIDs: [UUID]) async throws -> [MeasurementRecord] {
        guard !schoolIDs.isEmpty else { return [] }
        return try await PilotMeasurementModel.query(on: database.db).filter(\.$schoolID ~~ schoolIDs)
            .sort(\.$measuredOn).sort(\.$recordedAt).all().compactMap(MeasurementRecord.init)
    }

    /// The latest measurement of an indicator: the latest day, and of that day the latest recorded.
    static func latest(_ series: [MeasurementRecord], _ code: String) -> MeasurementRecord? {
        series.last { $0.indicator.code == code }
    }

    static func milestone(_ m: PilotMilestoneModel, today: String) -> MilestoneRecord {
        MilestoneRecord(code: m.code, title: m.title, dueOn: m.dueOn, status: m.status, completedOn: m.completedOn,
                        track: MilestoneTrack.of(status: m.status, dueOn: m.dueOn, today: today))
    }
}
