import Curriculum
import Foundation
@testable import Gateway
import Testing
import TestSupport

@Suite struct CurriculumStartupTests {
    @Test func theServerRefusesToStartOnInvalidContentNamingFileAndField() async throws {
        // given a copy of the shipped curriculum with one lesson's band changed
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("startup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let copy = root.appendingPathComponent("Curriculum")
        try FileManager.default.copyItem(at: Repository.curriculum, to: copy)
        let lesson = GatewayFixture.shippedCurriculum.lessons.first { $0.band == .senior }!
        let url = root.appendingPathComponent(lesson.file)
        let text = try String(contentsOf: url, encoding: .utf8)
        try text.replacingOccurrences(of: "band: senior", with: "band: seniors").write(to: url, atomically: true, encoding: .utf8)
        var config = AppConfig()
        config.curriculumPath = copy.path
        config.dataDir = root.path
        // when the platform opens
        do {
            _ = try await Platform.open(config: config, logger: TestDatabase.logger, hasher: TestHasher())
            Issue.record("the platform started on invalid content")
        } catch let e as CurriculumError {
            // then the error names the file, the line and the field, before any database is created
            let line = text.components(separatedBy: "\n").firstIndex { $0.hasPrefix("band:") }.map { $0 + 1 } ?? 0
            #expect(e.description.contains("\(lesson.file):\(line): `band` is seniors but the file is in the senior folder"))
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("qianxue.sqlite").path))
        }
    }
}
