import Curriculum
import Foundation
import QianxueAPI
import QianxueCore

extension APIHandler {
    func recordPDCompletion(_ input: Operations.RecordPDCompletion.Input) async throws -> Operations.RecordPDCompletion.Output {
        let p = try RequestScope.caller()
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the completion as JSON ({} or {\"note\": …})") }
        let note = b.note
        let county = try await registry.county(of: p)
        let (c, created) = try await curriculum.recordCompletion(unit: input.path.slug, by: p, schoolRegion: county, note: note)
        let body = Components.Schemas.PDCompletion(unit: c.unitSlug, completedAt: c.completedAt, note: c.note)
        return created ? .created(.init(body: .json(body))) : .ok(.init(body: .json(body)))
    }

    func getMyPD(_ input: Operations.GetMyPD.Input) async throws -> Operations.GetMyPD.Output {
        let p = try RequestScope.caller()
        let progress = try await curriculum.progress(of: p.userID)
        return .ok(.init(body: .json(.init(
            items: progress.map { .init(unit: $0.unit.slug, title: $0.unit.title, titleEn: $0.unit.titleEn,
                                        lessons: $0.unit.lessons.count, completedAt: $0.completedAt) },
            completed: progress.filter { $0.completedAt != nil }.count, total: progress.count))))
    }

    func getPDCompletionSummary(_ input: Operations.GetPDCompletionSummary.Input) async throws -> Operations.GetPDCompletionSummary.Output {
        let p = try RequestScope.caller()
        try p.require(.schoolAdmin, .bureau, .admin, to: "read professional-development completion counts (see /v1/me/pd)")
        var region: RegionCode?
        if let text = input.query.region {
            guard let code = RegionCode(text) else { throw AppError.validation("region '\(text)' is not a GB/T 2260 code", field: "region") }
            region = code
        }
        let schoolID = try input.query.school.map { try parseUUID($0, field: "school") }

        let scope: PDScope
        switch try await registry.scope(of: p) {
        case .everything:
            scope = schoolID.map(PDScope.school) ?? region.map(PDScope.region) ?? .everything
        case .region(let own):
            if let region, !own.contains(region) { throw AppError.notFound("region \(region)") }
            if let schoolID {
                _ = try await registry.visibleSchool(schoolID, to: p)
                scope = .school(schoolID)
            } else {
                scope = .region(region ?? own)
            }
        case .school(let own):
            if let schoolID, schoolID != own { throw AppError.notFound("school \(schoolID)") }
            if let region {
                let county = try await registry.school(own)?.countyCode
                if county.map({ !region.contains($0) }) ?? true { throw AppError.notFound("region \(region)") }
            }
            scope = .school(own)
        case .area(let area):
            throw AppError.forbidden("completion counts are by region; the \(area) area's teacher training is in GET /v1/reports/teachers?region=\(area)")
        case .teacher, .student:
            throw AppError.forbidden("a \(p.role.rawValue) may not read completion counts")
        }

        let summary = try await curriculum.completionSummary(scope: scope)
        let staff: Int
        switch scope {
        case .everything: staff = try await registry.staffCount(region: nil, schoolID: nil)
        case .region(let r): staff = try await registry.staffCount(region: r, schoolID: nil)
        case .school(let s): staff = try await registry.staffCount(region: nil, schoolID: s)
        }
        var regionOut: String?
        var schoolOut: String?
        if case .region(let r) = scope { regionOut = r.rawValue }
        if case .school(let s) = scope { schoolOut = s.uuidString.lowercased() }
        return .ok(.init(body: .json(.init(
            region: regionOut, school: schoolOut,
            units: summary.units.map { .init(unit: $0.unit.slug, title: $0.unit.title, teachersCompleted: $0.teachersCompleted) },
            teachersInScope: staff, teachersWithAny: summary.teachersWithAny, teachersWithAll: summary.teachersWithAll))))
    }
}
