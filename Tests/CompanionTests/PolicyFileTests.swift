import Companion
import Foundation
import QianxueCore
import Testing

/// A change to the shipped `bands.yaml` and the field the loader must name for it.
struct PolicyFileBreak: Sendable, CustomTestStringConvertible {
    let name: String
    let old: String
    let new: String
    let field: String
    var testDescription: String { name }

    static let all: [PolicyFileBreak] = [
        .init(name: "an unknown reply style", old: "replyStyle: inquiry", new: "replyStyle: sarcastic", field: "bands.senior.replyStyle"),
        .init(name: "a band missing", old: "\n  higher:\n", new: "\n  higher-ed:\n", field: "bands.higher-ed"),
        .init(name: "a consent age out of range", old: "consentAge: 14", new: "consentAge: 40", field: "consentAge"),
        .init(name: "no consent age", old: "consentAge: 14", new: "", field: "consentAge"),
        .init(name: "more minutes under 16 than from 16", old: "dailyMinutesUnder: 40", new: "dailyMinutesUnder: 120", field: "usage.dailyMinutesUnder"),
        .init(name: "a daily limit that is not a number", old: "dailyMinutesFrom: 90", new: "dailyMinutesFrom: lots", field: "usage.dailyMinutesFrom"),
        .init(name: "a band without hints only",
              old: "hintsOnlyOnGradedWork: true\n    replyStyle: invitesChecking",
              new: "hintsOnlyOnGradedWork: false\n    replyStyle: invitesChecking",
              field: "bands.junior.hintsOnlyOnGradedWork"),
        .init(name: "a band field missing",
              old: "    openChatInClassMode: true\n    hintsOnlyOnGradedWork: true\n    replyStyle: professional\n    persona: 你是一位大学",
              new: "    hintsOnlyOnGradedWork: true\n    replyStyle: professional\n    persona: 你是一位大学",
              field: "bands.higher.openChatInClassMode"),
        .init(name: "a key written twice", old: "consentAge: 14", new: "consentAge: 14\nconsentAge: 12", field: "(YAML)"),
        .init(name: "a YAML syntax error", old: "bands:\n", new: "bands: [\n", field: "(YAML)"),
        .init(name: "an unknown hint step", old: "step: concept", new: "step: answer", field: "hintLadder[1].step"),
    ]
}

@Suite struct PolicyFileTests {
    static let source = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Companion/Resources/policy/bands.yaml")

    func write(_ text: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("bands.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func theShippedFileHoldsTheProvinceDefaults() {
        // given
        let policy = CompanionPolicy.shipped

        // when
        let bands = GradeBand.allCases.map { policy.rules(for: $0) }

        // then
        #expect(policy.consentAge == 14 && CompanionPolicy.consentAge == 14)
        #expect(policy.ageThreshold == 16)
        #expect(policy.dailyMinutesUnder == 40 && policy.dailyMinutesFrom == 90)
        #expect(policy.breakReminderMinutes == 20)
        #expect(policy.hintLadder.map(\.step) == [.restate, .concept, .partialStep, .similarExample])
        #expect(bands.allSatisfy { $0.hintsOnlyOnGradedWork && $0.openChatInClassMode && !$0.persona.isEmpty })
        #expect(bands.map(\.openChatAlone) == [false, false, true, true, true, true])
        #expect(bands.map(\.replyStyle) == [.warmAndSimple, .warmAndSimple, .invitesChecking, .inquiry, .professional, .professional])
    }

    @Test func theSourceFileLoadsAsShipped() throws {
        // given
        let url = Self.source

        // when
        let policy = try CompanionPolicy.load(from: url)

        // then
        for band in GradeBand.allCases { #expect(policy.rules(for: band) == CompanionPolicy.shipped.rules(for: band)) }
    }

    @Test(arguments: PolicyFileBreak.all)
    func aBrokenFileIsRejectedNamingTheFileAndTheField(_ change: PolicyFileBreak) throws {
        // given
        let shipped = try String(contentsOf: Self.source, encoding: .utf8)
        try #require(shipped.components(separatedBy: change.old).count == 2, "the change must apply once")
        let url = try write(shipped.replacingOccurrences(of: change.old, with: change.new))

        // when
        let error = #expect(throws: PolicyFileError.self) { try CompanionPolicy.load(from: url) }

        // then
        #expect(error?.file == "bands.yaml")
        #expect(error?.field == change.field, "\(String(describing: error))")
        #expect(error?.description.contains("bands.yaml: \(change.field)") == true)
        #expect(error?.reason.isEmpty == false)
    }
}
