import Foundation
import QianxueCore
import Registry
import SQLKit

/// The rows of a report below its total, and which row each fact falls in. Facts are read per
/// school (when the rows are schools) or per county, locality and pilot status, so that a
/// prefecture's report reads a few hundred rollup groups, not its schools' rows.
struct ReportGroups: Sendable {
    struct Group: Sendable {
        let key: String
        let label: String
        let role: ReportRow.Role
    }

    let grouping: ReportGrouping
    let area: ReportArea
    let groups: [Group]
    /// Facts are read per school (rows are schools).
    let bySchool: Bool
    let parentLength: Int?

    static let bandLabels: [String: String] = [
        "primary-lower": "小学低年级（1–3年级）", "primary-upper": "小学高年级（4–6年级）", "junior": "初中",
        "senior": "高中", "vocational": "中职", "higher": "高等教育", "unknown": "年级未登记",
    ]
    static let localityLabels = [("urban", "城镇"), ("rural", "乡村")]
    static let pilotLabels = [("pilot", "试点校"), ("other", "其他学校")]

    /// The columns that every fact query selects to place its rows, before its own.
    var keyColumns: String {
        bySchool ? "s.id AS school"
            : """
              s.county_code AS county, COALESCE(s.locale, 'urban') AS locale, \
              CASE WHEN EXISTS (SELECT 1 FROM pilot_enrolments pe WHERE pe.school_id = s.id AND pe.status IN ('pilot', 'graduated')) THEN 1 ELSE 0 END AS pilot, \
              CASE WHEN s.functional_area = '\(ReportArea.guianTag)' THEN 1 ELSE 0 END AS guian
              """
    }

    /// How many leading columns `keyColumns` selects (for `GROUP BY 1, 2, …`).
    var keyColumnCount: Int { bySchool ? 1 : 4 }

    /// `GROUP BY` positions for the key columns and `extra` more.
    func groupByPositions(extra: Int) -> String {
        (1...max(1, keyColumnCount + extra)).map(String.init).joined(separator: ", ")
    }

    /// The group rows a fact row belongs in (a Gui'an school also falls in the overlap row).
    func keys(of row: any SQLRow, band: String? = nil, day: String? = nil) throws -> [String] {
        if bySchool { return [try row.decode(column: "school", as: UUID.self).uuidString.lowercased()] }
        switch grouping {
        case .region:
            guard let parentLength else { return [] }
            let county = try row.decode(column: "county", as: String.self)
            var keys = [String(county.prefix(parentLength))]
            if try row.decode(column: "guian", as: Int.self) == 1, groups.contains(where: { $0.role == .overlap }) {
                keys.append(ReportArea.guianTag)
            }
            return keys
        case .locality: return [try row.decode(column: "locale", as: String.self)]
        case .pilot: return [try row.decode(column: "pilot", as: Int.self) == 1 ? "pilot" : "other"]
        case .band: return band.map { [$0] } ?? []
        case .week: return day.map { [PlatformCalendar.weekStart(ofDay: $0)] } ?? []
        case .school: return []
        }
    }
}

extension ReportsService {
    func groups(_ grouping: ReportGrouping, in area: ReportArea, period: ReportSpan) async throws -> ReportGroups {
        func plan(_ groups: [ReportGroups.Group], bySchool: Bool = false, parentLength: Int? = nil) -> ReportGroups {
            ReportGroups(grouping: grouping, area: area, groups: groups, bySchool: bySchool, parentLength: parentLength)
        }
        switch grouping {
        case .region:
            switch area.scope {
            case .region(let code) where code.level != .county:
                var rows = registry.regions.children(of: code).map { ReportGroups.Group(key: $0.code.rawValue, label: $0.name, role: .group) }
                if code.level == .province {
                    rows.append(.init(key: ReportArea.guianTag, label: "\(ReportArea.guianName)（与所在市州重叠）", role: .overlap))
                }
                return plan(rows, parentLength: code.rawValue.count + 2)
            case .school:
                return plan([])
            default:
                return plan(try await schoolGroups(in: area), bySchool: true)
            }
        case .school:
            return plan(try await schoolGroups(in: area), bySchool: true)
        case .band:
            return plan(GradeBand.allCases.map { .init(key: $0.rawValue, label: ReportGroups.bandLabels[$0.rawValue]!, role: .group) }
                        + [.init(key: "unknown", label: ReportGroups.bandLabels["unknown"]!, role: .group)])
        case .locality:
            return plan(ReportGroups.localityLabels.map { .init(key: $0.0, label: $0.1, role: .group) })
        case .pilot:
            return plan(ReportGroups.pilotLabels.map { .init(key: $0.0, label: $0.1, role: .group) })
        case .week:
            // Weeks still to come would only show zeros.
            let last = min(period.to, PlatformCalendar.day(of: now()))
            var weeks: [ReportGroups.Group] = []
            var day = period.from
            while day <= last {
                let start = PlatformCalendar.weekStart(ofDay: day)
                let end = min(PlatformCalendar.day(start, plus: 6) ?? day, last)
                weeks.append(.init(key: start, label: "\(max(start, period.from)) 至 \(end)", role: .group))
                guard let next = PlatformCalendar.day(start, plus: 7) else { break }
                day = next
            }
            return plan(weeks)
        }
    }

    /// The schools of an area, by name.
    private func schoolGroups(in area: ReportArea) async throws -> [ReportGroups.Group] {
        let rows = try await sql.raw("SELECT s.id, s.name FROM schools s WHERE \(area.schoolFilter) ORDER BY s.name, s.id").all()
        return try rows.map {
            ReportGroups.Group(key: try $0.decode(column: "id", as: UUID.self).uuidString.lowercased(),
                               label: try $0.decode(column: "name", as: String.self), role: .group)
        }
    }
}
