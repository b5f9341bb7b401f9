import Foundation
@testable import Assessment
import Curriculum

/// A small item bank in a temporary `Curriculum/assessment` folder, with its own sources.yaml,
/// that each lint test breaks in one way.
struct ItemBankFixture {
    let folder: URL

    static let sources = """
    tags:
      dong: 侗族 Dong
      red:zunyi: 遵义会议 Zunyi Conference
    sources:
      - id: dong-song
        title: Dong Grand Song
        publisher: People's Daily Online
        url: http://en.people.cn/n3/2023/0530/c90000-20025629-6.html
        quality: official
        tags: [dong]
        facts:
          - 侗族大歌是多声部、无伴奏、无指挥的合唱
      - id: zunyi
        title: Zunyi Conference
        publisher: China News Service
        note: address given only in part
        quality: official
        tags: [red:zunyi]
        facts:
          - 遵义会议1935年1月15日至17日召开
    """

    static let review = "  status: published\n  reviewer: 王老师\n  reviewedOn: 2026-11-29\n"

    /// A valid single-choice item set in a Dong village: the `key` is on line 13, `status` on 14.
    static func single(id: String = "ta-u-001", competency: String = "TA-U", bands: String = "[primary-lower, primary-upper]",
                       context: String = "[guizhou, dong]", sources: String = "[dong-song]", stem: String = "要让电脑学会认出侗族大歌，最好给它听什么？",
                       options: String? = nil, key: String = "A", extra: String = "", review: String = review) -> String {
        """
        - id: \(id)
          type: single
          competency: \(competency)
          bands: \(bands)
          difficulty: -1.0
          context: \(context)
          sources: \(sources)
          stem: \(stem)
          options:
        \(options ?? "    - {id: A, text: 很多段不同歌队唱的录音}\n    - {id: B, text: 同一段录音放很多遍}\n    - {id: C, text: 很多段钢琴曲}")
          key: \(key)

        """ + review + extra
    }

    static func multiple(id: String = "ta-u-002", key: String = "[A, B, D]") -> String {
        """
        - id: \(id)
          type: multiple
          competency: TA-U
          bands: [junior, senior]
          difficulty: 0.5
          stem: 下面哪些任务属于分类任务？
          options:
            - {id: A, text: 判断邮件是不是垃圾邮件}
            - {id: B, text: 判断叶片是不是病叶}
            - {id: C, text: 预测明天的最高气温}
            - {id: D, text: 判断录音是哪种鸟叫}
          key: \(key)

        """ + review
    }

    static func ordering(id: String = "sd-a-001", key: String = "[B, A, C]") -> String {
        """
        - id: \(id)
          type: ordering
          competency: SD-A
          bands: [primary-lower]
          difficulty: -0.6
          stem: 自动浇花器怎样工作？按顺序排一排。
          options:
            - {id: A, text: 土太干就浇水}
            - {id: B, text: 测一测土干不干}
            - {id: C, text: 浇够了就关水}
          key: \(key)

        """ + review
    }

    static func constructed(id: String = "hm-c-001", rubric: String? = nil, extra: String = "") -> String {
        """
        - id: \(id)
          type: constructed
          competency: HM-C
          bands: [senior, vocational]
          difficulty: 0.6
          stem: 写出两条让人为人工智能的决定负责的规则。
        \(rubric ?? "  rubric:\n    maxPoints: 2\n    correctAt: 2\n    levels:\n      - {points: 0, descriptor: 没有规则}\n      - {points: 1, descriptor: 一条规则}\n      - {points: 2, descriptor: 两条规则}\n    exemplar: 重要决定由老师复核；回复署名负责人。")
          rationale: 人负责。
        \(extra)
        """ + review
    }

    /// Writes `files` (name → text) into a fresh `Curriculum/assessment` with the fixture's sources.yaml.
    static func make(_ files: [String: String], sources: String = sources) throws -> ItemBankFixture {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("itembank-\(UUID().uuidString)/Curriculum")
        let folder = root.appendingPathComponent("assessment")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try sources.write(to: root.appendingPathComponent("sources.yaml"), atomically: true, encoding: .utf8)
        for (name, text) in files {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return ItemBankFixture(folder: folder)
    }

    func load(coverage: ItemBankCoverage = .none) -> (bank: ItemBank, diagnostics: [CurriculumDiagnostic]) {
        ItemBankLoader.load(from: folder, coverage: coverage)
    }

    func remove() { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent().deletingLastPathComponent()) }

    /// The problems one file of items raises, as printed lines.
    static func problems(_ text: String, name: String = "items.yaml", sources: String = sources) throws -> [String] {
        let f = try make([name: text], sources: sources)
        defer { f.remove() }
        return f.load().diagnostics.map(\.description)
    }
}
