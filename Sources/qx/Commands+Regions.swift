import ArgumentParser
import QianxueAPI

struct Regions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Browse Guizhou's regions (GB/T 2260 codes).",
        discussion: "Examples: qx regions        (the 9 prefectures)\n          qx regions 5203   (Zunyi's counties)")

    @Argument(help: "A region code; without one, the prefectures.") var code: String?
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let session = try Session(options)
        let node: Components.Schemas.RegionNode
        if let code {
            switch try await session.call({ try await session.client.getRegion(path: .init(code: code)) }) {
            case .ok(let ok): node = try ok.body.json
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        } else {
            switch try await session.call({ try await session.client.listRegions() }) {
            case .ok(let ok):
                guard let root = try ok.body.json.items.first else { throw QXError("the server has no regions") }
                node = root
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        }
        if options.output == .json { return try printJSON(node) }
        print("\(node.name) \(node.nameEn) · \(node.code) · \(node.level.rawValue)")
        printTable(["code", "name", "pinyin", "level", "below"],
                   node.children.map { [$0.code, $0.name, $0.nameEn, $0.level.rawValue, $0.children.isEmpty ? "" : String($0.children.count)] })
    }
}
