import Foundation
@testable import Curriculum

/// A small, valid curriculum in a temporary folder that each lint test breaks in one way.
struct LintFixture {
    let root: URL

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
          - 侗族大歌2009年列入人类非物质文化遗产代表作名录
      - id: zunyi
        title: Zunyi Conference
        publisher: China News Service
        note: address given only in part
        quality: official
        tags: [red:zunyi]
        facts:
          - 遵义会议1935年1月15日至17日召开
    """

    static func lesson(slug: String = "jr-song", band: String = "junior", grades: String = "[7, 8]",
                       competency: String = "TA-U", culture: String = "[dong]", sources: String = "[dong-song]",
                       status: String = "draft", extra: String = "", body: String? = nil) -> String {
        """
        ---
        slug: \(slug)
        title: 机器怎样听侗族大歌
        titleEn: How a machine hears the Dong grand song
        band: \(band)
        grades: \(grades)
        hours: 1
        objectives:
          - text: 说出多声部录音对语音模型的难处
            competency: \(competency)
        culture: \(culture)
        status: \(status)
        sources: \(sources)
        activities:
          - title: 听一段多声部合唱
            device: true
            ai: false
            teacherLed: true
        \(extra)
        ---

        """ + (body ?? """
        ## 导入
        侗族大歌是多声部、无伴奏、无指挥的合唱。

        ## 课堂活动
        听录音，数一数有几个声部。

        ## 讨论
        1. 语音模型需要什么样的数据？

        ## 教师提示
        只用公开发布的录音。
        """)
    }

    /// Writes the fixture with `lessons` (relative path → text) in a fresh temporary folder.
    static func make(lessons: [String: String] = ["junior/01-jr-songs/jr-song.md": lesson()],
                     sources: String = sources, unit: String? = nil) throws -> LintFixture {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("curriculum-\(UUID().uuidString)/Curriculum")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try sources.write(to: root.appendingPathComponent("sources.yaml"), atomically: true, encoding: .utf8)
        for (path, text) in lessons {
            let url = root.appendingPathComponent(path)
            let folder = url.deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let unitFile = folder.appendingPathComponent("unit.yaml")
            if !FileManager.default.fileExists(atPath: unitFile.path) {
                try (unit ?? "title: 声音与歌\ntitleEn: Sound and song\nsummary: 机器怎样听。\n")
                    .write(to: unitFile, atomically: true, encoding: .utf8)
            }
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return LintFixture(root: root)
    }

    func lint() -> [CurriculumDiagnostic] { CurriculumLoader.load(from: root).diagnostics }

    func remove() { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
}
