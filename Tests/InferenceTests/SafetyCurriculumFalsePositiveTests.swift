import Foundation
import Inference
import Testing

/// The shipped lessons are what students and teachers quote to the companion all day: the screens
/// must not take them for danger.
@Suite struct SafetyCurriculumFalsePositiveTests {
    static let curriculum = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Curriculum")

    /// Every lesson file (Markdown with front matter) under `Curriculum/`.
    static func lessons() throws -> [(name: String, body: String)] {
        let files = FileManager.default.enumerator(at: curriculum, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }
            .filter { $0.pathExtension == "md" && $0.lastPathComponent != "README.md" } ?? []
        return try files.sorted { $0.path < $1.path }.map { url in
            (url.lastPathComponent, try String(contentsOf: url, encoding: .utf8))
        }
    }

    /// The text of one `## ` section, up to the next `## ` heading.
    static func section(_ heading: String, of body: String) -> String? {
        let lines = body.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "## \(heading)") else { return nil }
        let rest = lines[(start + 1)...]
        let end = rest.firstIndex { $0.hasPrefix("## ") } ?? lines.endIndex
        return lines[(start + 1)..<end].joined(separator: "\n")
    }

    @Test func noClassroomActivityOfAShippedLessonIsFlaggedHigh() throws {
        // given
        let lessons = try Self.lessons()
        let activities = lessons.compactMap { l in Self.section("课堂活动", of: l.body).map { (l.name, $0) } }
        let screen = SafetyScreen()

        // when
        let high = activities.flatMap { name, text in
            screen.screen(text).filter { $0.severity == .high }.map { "\(name): \($0)" }
        }

        // then
        #expect(activities.count >= 50, "the shipped curriculum should have its 课堂活动 sections")
        #expect(high.isEmpty, "\(high)")
    }

    @Test func noWholeLessonIsFlaggedHighOrStopsAStreamedReply() throws {
        // given
        let lessons = try Self.lessons()
        let screen = SafetyScreen()

        // when: each lesson screened as input, and streamed as a reply in chunks of 7 characters
        var problems: [String] = []
        for lesson in lessons {
            let flags = screen.screen(lesson.body)
            problems += flags.filter { $0.severity == .high }.map { "\(lesson.name) input: \($0)" }
            var output = OutputScreen(forbidden: [])
            var sent = ""
            let characters = Array(lesson.body)
            for start in stride(from: 0, to: characters.count, by: 7) {
                let step = output.feed(String(characters[start..<min(start + 7, characters.count)]))
                sent += step.text
                if let stop = step.stop {
                    problems.append("\(lesson.name) output: \(stop)")
                    break
                }
            }
            sent += output.finish().text
            if output.stopped == nil, sent != lesson.body { problems.append("\(lesson.name) output changed") }
        }

        // then
        #expect(lessons.count >= 50)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func shippedLessonsKeepTheirYearsDatesAndStatisticsUnredacted() throws {
        // given: a lesson full of years, dates, areas and statistics
        let lessons = try Self.lessons()
        let redactor = PIIRedactor()

        // when
        let kinds = lessons.flatMap { redactor.redact($0.body).findings.map(\.kind) }

        // then: only the odd street address of a landmark, never an ID, phone or card number
        #expect(kinds.allSatisfy { $0 == .address }, "\(kinds)")
    }
}
