import Foundation
import QianxueCore
import Registry
import SQLKit

/// The part of the province a report covers: a region of the GB/T 2260 tree, the Gui'an New Area
/// (its schools by their `functionalArea` tag; it has no code of its own), or one school.
public struct ReportArea: Sendable {
    public enum Scope: Sendable, Equatable {
        case region(RegionCode)
        case guian
        case school(UUID)
    }

    public static let guianTag = RegistryService.guianArea
    public static let guianName = "贵安新区"

    public let scope: Scope
    public let unit: ReportUnit

    /// The SQL condition on `schools s` that selects the area's schools.
    var schoolFilter: SQLQueryString {
        switch scope {
        case .region(let code): return "s.county_code LIKE \(bind: code.rawValue + "%")"
        case .guian: return "s.functional_area = \(bind: Self.guianTag)"
        case .school(let id): return "s.id = \(bind: id)"
        }
    }
}

extension ReportsService {
    /// The area a caller may see a report on: admins anything; bureau users their region and below
    /// (a region outside it answers 404 as if absent, and so does the Gui'an New Area unless their
    /// region holds all of it); school admins their own school. Teachers and students are refused.
    func area(_ requested: String?, for p: Principal) async throws -> ReportArea {
        let text = requested?.trimmingCharacters(in: .whitespaces).lowercased()
        switch p.role {
        case .admin:
            return try await resolve(text ?? registry.regions.roots[0].code.rawValue)
        case .bureau:
            if p.regionCode == nil, let own = p.area {
                // An analyst of the Gui'an New Area sees that area and nothing else.
                if let text, text != own { throw AppError.notFound("region \(text)") }
                return try await resolve(own)
            }
            guard let own = p.regionCode else { throw AppError.forbidden("this bureau account has no region") }
            let area = try await resolve(text ?? own.rawValue)
            switch area.scope {
            case .region(let code):
                guard own.contains(code) else { throw AppError.notFound("region \(code)") }
            case .guian:
                guard try await guianLies(within: own) else { throw AppError.notFound("region \(ReportArea.guianTag)") }
            case .school:
                break
            }
            return area
        case .schoolAdmin:
            guard let sid = p.schoolID else { throw AppError.forbidden("this school admin account has no school") }
            if let text, text != sid.uuidString.lowercased() { throw AppError.notFound("region \(text)") }
            return try await schoolArea(sid)
        case .teacher, .student:
            throw AppError.forbidden("reports are for bureau users, school admins and admins")
        }
    }

    private func resolve(_ text: String) async throws -> ReportArea {
        if text == ReportArea.guianTag {
            return ReportArea(scope: .guian, unit: ReportUnit(code: ReportArea.guianTag, name: ReportArea.guianName, level: .area))
        }
        let region = try registry.regions.resolve(text, field: "region")
        let level: ReportUnit.Level = region.level == .province ? .province : region.level == .prefecture ? .prefecture : .county
        return ReportArea(scope: .region(region.code), unit: ReportUnit(code: region.code.rawValue, name: region.name, level: level))
    }

    private func schoolArea(_ id: UUID) async throws -> ReportArea {
        let row = try await sql.raw("SELECT name FROM schools WHERE id = \(bind: id)").first()
        guard let name = try row?.decode(column: "name", as: String.self) else { throw AppError.notFound("school \(id)") }
        return ReportArea(scope: .school(id), unit: ReportUnit(code: id.uuidString.lowercased(), name: name, level: .school))
    }

    /// True when every Gui'an school lies in `region` (a bureau user's own region).
    private func guianLies(within region: RegionCode) async throws -> Bool {
        if region.level == .province { return true }
        let rows = try await sql.raw("""
            SELECT DISTINCT county_code FROM schools WHERE functional_area = \(bind: ReportArea.guianTag)
            """).all()
        let counties = try rows.map { try $0.decode(column: "county_code", as: String.self) }
        return !counties.isEmpty && counties.allSatisfy { $0.hasPrefix(region.rawValue) }
    }
}
