import Foundation
import QianxueCore
import Seeds

/// Generates the 100 synthetic pilot schools: spread over the 9 prefectures in proportion to their
/// 2020 population (largest remainder), in real counties, with two years of indicator history and
/// milestone progress. Deterministic: the same schools on every machine.
struct PilotSchoolSeed {
    struct School {
        let profile: SchoolProfile
        let cohort: Int
        let capacity: Double   // how quickly this school progresses, 0.5 … 1.5
    }

    struct Point {
        let indicator: String
        let day: String
        let value: Double
    }

    /// Days on which the seeded schools reported: quarterly for two years, and the latest report.
    static let reportDays = ["2024-12-15", "2025-03-15", "2025-06-15", "2025-09-15", "2025-12-15",
                             "2026-03-15", "2026-06-15", "2026-09-15", "2026-11-15"]
    /// The day the seeded milestone statuses describe.
    static let asOf = "2026-11-20"

    static func allocation(total: Int = PilotCatalogue.goal) throws -> [(code: RegionCode, count: Int)] {
        let text = try SeedFiles.text("prefecture_population.csv")
        let rows = text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line -> (RegionCode, Double)? in
            let f = line.split(separator: ",")
            guard f.count >= 3, let c = RegionCode(String(f[0])), let pop = Double(f[2]) else { return nil }
            return (c, pop)
        }
        let sum = rows.reduce(0) { $0 + $1.1 }
        var out = rows.map { (code: $0.0, exact: Double(total) * $0.1 / sum) }.map { (code: $0.code, count: Int($0.exact), rem: $0.exact - Double(Int($0.exact))) }
        var left = total - out.reduce(0) { $0 + $1.count }
        for i in out.indices.sorted(by: { out[$0].rem > out[$1].rem }) where left > 0 {
            out[i].count += 1
            left -= 1
        }
        return out.map { ($0.code, $0.count) }
    }

    static func schools(regions: RegionDirectory, seed: UInt64 = 42) throws -> [School] {
        var rng = SeededRandom(seed: seed)
        var out: [School] = []
        let ordinals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        for (prefecture, count) in try allocation() {
            let counties = regions.counties(within: prefecture)
            var perCounty: [RegionCode: Int] = [:]
            for i in 0..<count {
                // Walk the counties from a random start so that every county gets its turn.
                let county = counties[(i * 7 + Int(rng.next() % UInt64(counties.count))) % counties.count]
                perCounty[county.code, default: 0] += 1
                let n = perCounty[county.code]!
                let r = rng.unit()
                let stages: [SchoolStage] = r < 0.45 ? [.primary] : r < 0.62 ? [.primary, .junior] : r < 0.80 ? [.junior]
                    : r < 0.92 ? [.senior] : [.vocational]
                let rural = rng.unit() < (county.name.hasSuffix("区") ? 0.25 : 0.6)
                let base: Double = stages == [.senior] ? 2070 : stages == [.vocational] ? 2200 : stages.contains(.junior) ? 880 : 580
                let enrolment = max(60, Int(base * (rural ? 0.55 : 1.2) * exp(rng.normal(sd: 0.35))))
                let kind = stages == [.senior] ? "高级中学" : stages == [.vocational] ? "职业学校" : stages == [.junior] ? "初级中学"
                    : stages.count == 2 ? "九年制学校" : "小学"
                let name = "示例·\(county.name)数字化试点第\(ordinals[(n - 1) % 10])\(kind)"
                let area: String? = ["520111", "520181", "520403", "520402"].contains(county.code.rawValue) && rng.unit() < 0.3 ? "guian" : nil
                out.append(School(
                    profile: SchoolProfile(name: name, county: county.code.rawValue, stages: stages, functionalArea: area,
                                           locale: rural ? .rural : .urban, enrolment: enrolment,
                                           contact: SchoolContact(name: "数字化转型办公室"), synthetic: true),
                    cohort: rng.unit() < 0.4 ? 2025 : 2026,
                    capacity: min(1.5, max(0.5, rng.normal(mean: rural ? 0.85 : 1.05, sd: 0.2)))))
            }
        }
        return out
    }

    /// The indicator history of one school: a slow start before the programme, growth after it.
    static func history(_ s: School, rng: inout SeededRandom) -> [Point] {
        var points: [Point] = []
        let start = "\(s.cohort)-09-01"
        for indicator in PilotCatalogue.indicators {
            var connectedFrom: String?
            if indicator.code == "compute_platform_connected" {
                connectedFrom = rng.unit() < 0.45 * s.capacity ? reportDays[Int(rng.next() % 4) + 4] : nil
            }
            for day in reportDays {
                let months = Self.months(from: start, to: day)
                let progress = 1 / (1 + exp(-(months - 8) / 4 * s.capacity))   // 0 … 1 along the programme
                let value: Double
                switch indicator.unit {
                case .boolean:
                    value = connectedFrom.map { day >= $0 ? 1 : 0 } ?? 0
                case .hours:
                    value = max(0, (2 + 18 * progress * s.capacity + rng.normal(sd: 1.5)).rounded())
                case .percent:
                    let ceiling = min(100, indicator.target * (0.8 + 0.35 * s.capacity))
                    value = min(100, max(0, (5 + (ceiling - 5) * progress + rng.normal(sd: 3)).rounded()))
                }
                points.append(Point(indicator: indicator.code, day: day, value: value))
            }
        }
        return points
    }

    /// Milestone statuses as of `asOf`: those due long ago are mostly done, the rest in progress.
    static func milestoneStatus(dueOn: String, capacity: Double, rng: inout SeededRandom) -> (status: String, completedOn: String?) {
        if dueOn < asOf {
            if rng.unit() < 0.55 + 0.3 * capacity { return ("done", dueOn) }
            return ("in_progress", nil)
        }
        let soon = months(from: asOf, to: dueOn) < 4
        return soon && rng.unit() < 0.7 ? ("in_progress", nil) : ("not_started", nil)
    }

    static func months(from a: String, to b: String) -> Double {
        let cal = PlatformCalendar.calendar
        guard let da = PlatformCalendar.parseDay(a).flatMap(cal.date(from:)),
              let db = PlatformCalendar.parseDay(b).flatMap(cal.date(from:)) else { return 0 }
        return db.timeIntervalSince(da) / (30.44 * 86400)
    }
}
