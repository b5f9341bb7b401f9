import ArgumentParser
import Foundation
import QianxueAPI

extension CurriculumCommands {
    struct PD: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pd",
            abstract: "Teacher professional development: your progress, record a completed unit, counts in your scope.",
            subcommands: [Mine.self, Complete.self, Summary.self],
            defaultSubcommand: Mine.self)

        struct Mine: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "mine", abstract: "Your progress through the PD units.",
                                                            discussion: "Example: qx curriculum pd mine")
            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let session = try Session(options)
                let list: Components.Schemas.PDProgressList
                switch try await session.call({ try await session.client.getMyPD() }) {
                case .ok(let ok): list = try ok.body.json
                case .default(let status, let problem): throw QXError(problem: problem, status: status)
                }
                if options.output == .json { return try printJSON(list) }
                printTable(["unit", "title", "lessons", "completed"], list.items.map {
                    [$0.unit, $0.title, String($0.lessons), $0.completedAt.map { ISO8601DateFormatter().string(from: $0) } ?? "—"]
                })
                print("\n\(list.completed) of \(list.total) units completed")
            }
        }

        struct Complete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Record that you completed a PD unit.", discussion: "Example: qx curriculum pd complete pd-ai-ethics --note 校本研修")
            @Argument(help: "The unit's slug (see qx curriculum ls --band teacher-pd).") var unit: String
            @Option(help: "A short note (at most 500 characters).") var note: String?
            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let session = try Session(options)
                let body: Components.Schemas.PDCompletion
                var created = true
                switch try await session.call({
                    try await session.client.recordPDCompletion(path: .init(slug: unit), headers: .init(idempotencyKey: UUID().uuidString),
                                                                body: .json(.init(note: note)))
                }) {
                case .created(let c): body = try c.body.json
                case .ok(let ok): body = try ok.body.json; created = false
                case .default(let status, let problem): throw QXError(problem: problem, status: status)
                }
                if options.output == .json { return try printJSON(body) }
                let when = ISO8601DateFormatter().string(from: body.completedAt)
                print(created ? "recorded \(body.unit) as completed at \(when)" : "\(body.unit) was already recorded as completed at \(when)")
            }
        }

        struct Summary: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Completion counts per unit in your scope (school admins, bureau users, admins).",
                                                            discussion: "Examples: qx curriculum pd summary   ·   qx curriculum pd summary --region 5203")
            @Option(help: "A region code within your scope.") var region: String?
            @Option(help: "A school's ID.") var school: String?
            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let session = try Session(options)
                let s: Components.Schemas.PDSummary
                switch try await session.call({ try await session.client.getPDCompletionSummary(query: .init(region: region, school: school)) }) {
                case .ok(let ok): s = try ok.body.json
                case .default(let status, let problem): throw QXError(problem: problem, status: status)
                }
                if options.output == .json { return try printJSON(s) }
                print("scope: \(s.school.map { "school \($0)" } ?? s.region.map { "region \($0)" } ?? "province")  ·  teachers on roster: \(s.teachersInScope)")
                printTable(["unit", "title", "completed"], s.units.map { [$0.unit, $0.title, String($0.teachersCompleted)] })
                print("\nteachers with any unit: \(s.teachersWithAny) · with all units: \(s.teachersWithAll)")
            }
        }
    }
}
