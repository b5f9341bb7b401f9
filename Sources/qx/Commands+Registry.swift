import ArgumentParser
import Foundation
import QianxueAPI

struct Schools: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List schools in your scope.",
        discussion: "Examples: qx schools --region 5203 --pilot\n          qx schools --stage junior --query 遵义")

    @Option(help: "Region code (a prefecture matches its counties).") var region: String?
    @Flag(help: "Only pilot schools.") var pilot = false
    @Option(help: "Only schools offering this stage: primary, junior, senior, vocational, higher.") var stage: String?
    @Option(name: .customLong("query"), help: "Part of the name.") var q: String?
    @Option(help: "At most this many (default 50).") var limit = 50
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let session = try Session(options)
        let stageValue = try stage.map { s -> Components.Schemas.SchoolStage in
            guard let v = Components.Schemas.SchoolStage(rawValue: s) else { throw QXError("--stage must be primary, junior, senior, vocational or higher") }
            return v
        }
        var items: [Components.Schemas.School] = []
        var token: String?
        repeat {
            let query = Operations.ListSchools.Input.Query(region: region, pilot: pilot ? true : nil, stage: stageValue, q: q,
                                                           pageSize: min(500, limit - items.count), pageToken: token)
            switch try await session.call({ try await session.client.listSchools(query: query) }) {
            case .ok(let ok):
                let page = try ok.body.json
                items += page.items
                token = page.nextPageToken
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        } while token != nil && items.count < limit
        if options.output == .json { return try printJSON(items) }
        printTable(["id", "name", "county", "stages", "pilot", "students"], items.map {
            [String($0.id.prefix(8)), $0.name, $0.countyCode, $0.stages.map(\.rawValue).joined(separator: ","),
             [$0.pilotStatus?.rawValue, $0.pilotCohort.map(String.init)].compactMap { $0 }.joined(separator: " "),
             $0.enrolment.map(String.init) ?? ""]
        })
        if token != nil { print("(more: raise --limit)") }
    }
}

struct School: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one school and its pilot progress.", discussion: "Example: qx school 6f1c2a90-…")

    @Argument(help: "The school's ID.") var id: String
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let session = try Session(options)
        let school: Components.Schemas.School
        switch try await session.call({ try await session.client.getSchool(path: .init(id: id)) }) {
        case .ok(let ok): school = try ok.body.json
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
        var pilot: Components.Schemas.SchoolPilot?
        if case .ok(let ok) = try await session.call({ try await session.client.getSchoolPilot(path: .init(id: id)) }) {
            pilot = try ok.body.json
        }
        if options.output == .json { return try printJSON(school) }
        print("\(school.name)  (\(school.countyCode), \(school.locale.rawValue)\(school.synthetic ? ", synthetic" : ""))")
        print("stages: \(school.stages.map(\.rawValue).joined(separator: ", "))   students: \(school.enrolment.map(String.init) ?? "?")")
        if let c = school.contact { print("contact: \([c.name, c.phone, c.email].compactMap { $0 }.joined(separator: " · "))") }
        guard let pilot, let status = pilot.status else { return }
        print("\npilot programme: cohort \(pilot.cohort.map(String.init) ?? "?"), \(status.rawValue)")
        printTable(["indicator", "latest", "on", "target", "met"], pilot.indicators.map { i in
            [i.indicator.name, i.latest.map { format($0.value, i.indicator.unit.rawValue) } ?? "—", i.latest?.measuredOn ?? "",
             format(i.indicator.target, i.indicator.unit.rawValue), i.meetsTarget == true ? "yes" : i.meetsTarget == false ? "no" : ""]
        })
        print("")
        printTable(["milestone", "due", "status", "track"], pilot.milestones.map { [$0.title, $0.dueOn, $0.status.rawValue, $0.track.rawValue] })
    }
}

struct Classes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List your classes, or a school's.", discussion: "Examples: qx classes\n          qx classes --school 6f1c2a90-…")

    @Option(help: "A school's ID (school admins, bureau users).") var school: String?
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let session = try Session(options)
        let items: [Components.Schemas.SchoolClass]
        var school = self.school
        if school == nil, case .ok(let ok) = try await session.call({ try await session.client.getMe() }),
           let me = try? ok.body.json, me.role == .schoolAdmin {
            school = me.schoolId   // a school admin's classes are their school's
        }
        if let school {
            switch try await session.call({ try await session.client.listSchoolClasses(path: .init(id: school), query: .init(pageSize: 500)) }) {
            case .ok(let ok): items = try ok.body.json.items
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        } else {
            switch try await session.call({ try await session.client.listMyClasses(query: .init(pageSize: 500)) }) {
            case .ok(let ok): items = try ok.body.json.items
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        }
        if options.output == .json { return try printJSON(items) }
        if items.isEmpty { return print("No classes.") }
        printTable(["class", "grade", "band", "year", "students", "teachers", "id"], items.map {
            [$0.name, $0.grade, $0.band.rawValue, $0.academicYear, String($0.studentCount ?? 0), String($0.teacherCount ?? 0), $0.id]
        })
    }
}

struct Pilot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The pilot programme in a region, as tables.",
        discussion: "Example: qx pilot --region 5203")

    @Option(help: "Region code (default: your whole scope).") var region: String?
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let session = try Session(options)
        let p: Components.Schemas.PilotProgramme
        switch try await session.call({ try await session.client.getPilotProgramme(query: .init(region: region)) }) {
        case .ok(let ok): p = try ok.body.json
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
        if options.output == .json { return try printJSON(p) }
        print("数字化转型试点校 · region \(p.regionCode): \(p.pilotSchools) pilot schools of the goal of \(p.goal) by \(p.goalYear)\n")
        printTable(["region", "name", "pilot", "graduated", "candidate", "withdrawn"], p.byRegion.map {
            [$0.regionCode, $0.regionName, String($0.pilot), String($0.graduated), String($0.candidate), String($0.withdrawn)]
        })
        print("")
        printTable(["indicator", "target", "median", "p25–p75", "meeting target"], p.indicators.map { d in
            let u = d.indicator.unit.rawValue
            return [d.indicator.name, format(d.indicator.target, u), d.median.map { format($0, u) } ?? "—",
                    d.p25.map { "\(format($0, u))–\(format(d.p75 ?? $0, u))" } ?? "—", "\(d.meetingTarget)/\(d.schoolsReporting)"]
        })
        print("\nmilestones: \(p.milestones.onTrack) on track · \(p.milestones.atRisk) at risk · \(p.milestones.behind) behind")
    }
}

/// A value with its unit, for tables.
func format(_ v: Double, _ unit: String) -> String {
    switch unit {
    case "percent": return String(Int(v.rounded())) + "%"
    case "boolean": return v >= 1 ? "yes" : "no"
    default: return v == v.rounded() ? String(Int(v)) : String(v)
    }
}
