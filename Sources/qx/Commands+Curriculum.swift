import ArgumentParser
import Foundation
import QianxueAPI

struct CurriculumCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curriculum",
        abstract: "Browse and search the AI curriculum; see its coverage; record professional development.",
        discussion: """
        Examples: qx curriculum ls --band junior
                  qx curriculum show jr-dong-grand-song-speech
                  qx curriculum search 侗族大歌
                  qx curriculum coverage
                  qx curriculum pd complete pd-ai-ethics
        """,
        subcommands: [List.self, Show.self, Search.self, Coverage.self, PD.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "Units and their lessons, in teaching order.",
                                                        discussion: "Examples: qx curriculum ls   ·   qx curriculum ls --band junior")

        @Option(help: "One band: \(bandNames).") var band: String?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let session = try Session(options)
            let b = try parseBand(band)
            let units: [Components.Schemas.CurriculumUnit]
            switch try await session.call({ try await session.client.listCurriculumUnits(query: .init(band: b)) }) {
            case .ok(let ok): units = try ok.body.json.items
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
            if options.output == .json { return try printJSON(units) }
            var current: Components.Schemas.CurriculumBand?
            for u in units {
                if u.band != current {
                    if current != nil { print("") }
                    print(Terminal.bold("■ \(u.band.rawValue)"))
                    current = u.band
                }
                print("\n  \(String(format: "%02d", u.order)) \(Terminal.bold(u.title))  \(u.titleEn)   [\(u.slug)]")
                printTable(["    slug", "title", "grades", "hours", "culture", "competencies", "status"], u.lessons.map {
                    ["    " + $0.slug, $0.title, $0.grades.joined(separator: ","), hours($0.hours), $0.culture.joined(separator: ","),
                     $0.competencies.joined(separator: " "), $0.status.rawValue]
                })
            }
            if units.isEmpty { print("no lessons you can read\(band.map { " in \($0)" } ?? "")") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One lesson, rendered for the terminal.",
                                                        discussion: "Example: qx curriculum show jr-dong-grand-song-polyphony   (also: qx lessons show SLUG)")

        @Argument(help: "The lesson's slug.") var slug: String
        @Flag(help: "Print the lesson's Markdown as written.") var raw = false
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let session = try Session(options)
            let l: Components.Schemas.CurriculumLesson
            switch try await session.call({ try await session.client.getCurriculumLesson(path: .init(slug: slug)) }) {
            case .ok(let ok): l = try ok.body.json
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
            if options.output == .json { return try printJSON(l) }
            if raw { return print(l.markdown) }
            print(Terminal.bold(l.title) + "  " + l.titleEn)
            print("\(l.band.rawValue) · grades \(l.grades.joined(separator: ", ")) · \(hours(l.hours)) h · \(l.status.rawValue)"
                  + (l.reviewer.map { " by \($0) on \(l.reviewedOn ?? "?")" } ?? ""))
            if !l.culture.isEmpty { print("culture: \(l.culture.joined(separator: ", "))") }
            print("\n" + Terminal.bold("学习目标 Objectives"))
            for o in l.objectives { print("  • \(o.text)  [\(o.competency)]") }
            print("\n" + Terminal.bold("活动 Activities"))
            for a in l.activities {
                let needs = [a.device ? "device" : nil, a.ai ? "AI" : nil, a.teacherLed ? "teacher-led" : nil].compactMap { $0 }
                print("  • \(a.title)" + (needs.isEmpty ? "" : "  (\(needs.joined(separator: ", ")))"))
            }
            print("")
            print(Terminal.markdown(l.markdown))
            if !l.sources.isEmpty {
                print(Terminal.bold("来源 Sources"))
                for s in l.sources { print("  [\(s.id)] \(s.title) — \(s.publisher)\(s.url.map { " \($0)" } ?? "") (\(s.quality.rawValue))") }
            }
            if !l.checks.isEmpty {
                print(Terminal.bold("待核实 Open checks"))
                for c in l.checks { print("  ! \(c)") }
            }
            if !l.related.isEmpty { print("\nrelated: \(l.related.joined(separator: ", "))") }
        }
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Search the lessons (Chinese or English).", discussion: "Example: qx curriculum search 遵义 --band senior")

        @Argument(help: "What to look for.") var query: String
        @Option(help: "One band: \(bandNames).") var band: String?
        @Option(help: "A culture tag, e.g. dong, miao, shui, red:zunyi, bigdata.") var culture: String?
        @Option(help: "A competency code (TA-A) or dimension (TA).") var competency: String?
        @Option(help: "At most this many (default 10).") var limit = 10
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let session = try Session(options)
            let q = Operations.SearchCurriculum.Input.Query(q: query, band: try parseBand(band), culture: culture,
                                                            competency: competency, pageSize: max(1, min(500, limit)))
            let page: Components.Schemas.CurriculumSearchPage
            switch try await session.call({ try await session.client.searchCurriculum(query: q) }) {
            case .ok(let ok): page = try ok.body.json
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
            if options.output == .json { return try printJSON(page.items) }
            if page.items.isEmpty { return print("no lessons match \(query)") }
            for (i, h) in page.items.enumerated() {
                print("\(i + 1). \(Terminal.bold(h.lesson.title))  \(h.lesson.titleEn)")
                print("   \(h.lesson.slug) · \(h.lesson.band.rawValue) · score \(String(format: "%.2f", h.score))")
                print("   \(Terminal.highlight(h.snippet))\n")
            }
        }
    }

    struct Coverage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The band × competency grid: lessons per cell, hours per band; · marks a gap.",
                                                        discussion: "Examples: qx curriculum coverage   ·   qx curriculum coverage --teachers")

        @Flag(help: "Also show teacher professional development on the teacher framework.") var teachers = false
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let session = try Session(options)
            let c: Components.Schemas.CurriculumCoverage
            switch try await session.call({ try await session.client.getCurriculumCoverage() }) {
            case .ok(let ok): c = try ok.body.json
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
            if options.output == .json { return try printJSON(c) }
            func grid(_ codes: [String], _ rows: [Components.Schemas.CoverageRow]) {
                printTable(["band"] + codes + ["lessons", "hours"], rows.map { r in
                    let counts = Dictionary(r.cells.map { ($0.competency, $0.lessons) }, uniquingKeysWith: { a, _ in a })
                    return [r.band.rawValue] + codes.map { (counts[$0] ?? 0) == 0 ? "·" : String(counts[$0]!) } + [String(r.lessons), hours(r.hours)]
                })
            }
            print("HM 以人为本 · ET 伦理 · TA 技术与应用 · SD 系统设计 × U 理解 · A 应用 · C 创造\n")
            grid(c.studentCompetencies, c.bands.filter { $0.band != .teacherPd })
            let gaps = c.bands.filter { $0.band != .teacherPd && !$0.emptyCells.isEmpty }
            if !gaps.isEmpty {
                print("\ngaps:")
                for g in gaps { print("  \(g.band.rawValue): \(g.emptyCells.joined(separator: " "))") }
            }
            if teachers {
                print("\nteacher development: HM · ET · FA 基础与应用 · PE 教学法 · PR 专业发展 × AQ 获取 · DE 深化 · CR 创造\n")
                grid(c.teacherCompetencies, c.bands.filter { $0.band == .teacherPd })
            }
        }
    }
}

let bandNames = Components.Schemas.CurriculumBand.allCases.map(\.rawValue).joined(separator: ", ")

func parseBand(_ text: String?) throws -> Components.Schemas.CurriculumBand? {
    guard let text else { return nil }
    guard let b = Components.Schemas.CurriculumBand(rawValue: text) else { throw QXError("--band must be one of \(bandNames)") }
    return b
}

func hours(_ h: Double) -> String {
    h == h.rounded() ? String(Int(h)) : String(format: "%.1f", h)
}
