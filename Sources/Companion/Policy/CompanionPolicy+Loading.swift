import Foundation
import QianxueCore
import Yams

/// A policy file that cannot be used: the file, the field (`bands.junior.replyStyle`) and what is
/// wrong with it.
public struct PolicyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let field: String
    public let reason: String

    public var description: String { "companion policy \(file): \(field): \(reason)" }
}

extension CompanionPolicy {
    /// The province's rules shipped in `Resources/policy/bands.yaml`. A broken shipped file is a
    /// packaging error, caught by the tests, so it stops the process rather than running unchecked.
    public static let shipped: CompanionPolicy = {
        guard let directory = Bundle.module.url(forResource: "policy", withExtension: nil) else {
            preconditionFailure("the companion policy is missing from the Companion bundle")
        }
        do {
            return try load(from: directory.appendingPathComponent("bands.yaml"))
        } catch {
            preconditionFailure("\(error)")
        }
    }()

    /// Reads and checks a policy file: every band present, every value in range.
    public static func load(from url: URL) throws -> CompanionPolicy {
        let file = url.lastPathComponent
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw PolicyFileError(file: file, field: "(file)", reason: "cannot be read: \(error.localizedDescription)")
        }
        let decoded: PolicyFile
        do {
            decoded = try YAMLDecoder().decode(PolicyFile.self, from: text)
        } catch let error as DecodingError {
            throw PolicyFileError(file: file, decoding: error)
        } catch {
            throw PolicyFileError(file: file, field: "(YAML)", reason: "\(error)")
        }
        return try CompanionPolicy(decoded, file: file)
    }

    init(_ f: PolicyFile, file: String) throws {
        func fail(_ field: String, _ reason: String) -> PolicyFileError {
            PolicyFileError(file: file, field: field, reason: reason)
        }
        func range(_ value: Int, _ field: String, _ allowed: ClosedRange<Int>) throws {
            guard allowed.contains(value) else { throw fail(field, "\(value) is out of range \(allowed.lowerBound)…\(allowed.upperBound)") }
        }
        try range(f.consentAge, "consentAge", 1...18)
        try range(f.usage.ageThreshold, "usage.ageThreshold", 6...25)
        try range(f.usage.dailyMinutesFrom, "usage.dailyMinutesFrom", 1...1440)
        // Younger students never get more time than older ones.
        try range(f.usage.dailyMinutesUnder, "usage.dailyMinutesUnder", 1...f.usage.dailyMinutesFrom)
        try range(f.usage.breakReminderMinutes, "usage.breakReminderMinutes", 1...f.usage.dailyMinutesFrom)

        guard !f.hintLadder.isEmpty else { throw fail("hintLadder", "has no step") }
        var seen: Set<HintStep> = []
        for (i, rung) in f.hintLadder.enumerated() {
            guard seen.insert(rung.step).inserted else { throw fail("hintLadder[\(i)].step", "\(rung.step.rawValue) appears twice") }
            guard !rung.instruction.isEmpty else { throw fail("hintLadder[\(i)].instruction", "is empty") }
        }

        var bands: [GradeBand: BandPolicy] = [:]
        for (key, b) in f.bands {
            guard let band = GradeBand(rawValue: key) else {
                throw fail("bands.\(key)", "is not a band (\(GradeBand.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            // Every band gets hints only on graded work (MOE 2025); a class-mode window never
            // allows less than chatting alone.
            guard b.hintsOnlyOnGradedWork else { throw fail("bands.\(key).hintsOnlyOnGradedWork", "must be true in every band") }
            guard b.openChatInClassMode || !b.openChatAlone else {
                throw fail("bands.\(key).openChatInClassMode", "must be true when openChatAlone is")
            }
            guard !b.persona.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw fail("bands.\(key).persona", "is empty") }
            bands[band] = BandPolicy(openChatAlone: b.openChatAlone, openChatInClassMode: b.openChatInClassMode,
                                     hintsOnlyOnGradedWork: b.hintsOnlyOnGradedWork, replyStyle: b.replyStyle, persona: b.persona)
        }
        if let missing = GradeBand.allCases.first(where: { bands[$0] == nil }) {
            throw fail("bands.\(missing.rawValue)", "is missing; every band must be present")
        }
        self.init(consentAge: f.consentAge, ageThreshold: f.usage.ageThreshold,
                  dailyMinutesUnder: f.usage.dailyMinutesUnder, dailyMinutesFrom: f.usage.dailyMinutesFrom,
                  breakReminderMinutes: f.usage.breakReminderMinutes,
                  hintLadder: f.hintLadder.map { HintRung(step: $0.step, instruction: $0.instruction) }, bands: bands)
    }
}

/// `bands.yaml` as written.
struct PolicyFile: Decodable {
    struct Usage: Decodable {
        let ageThreshold: Int
        let dailyMinutesUnder: Int
        let dailyMinutesFrom: Int
        let breakReminderMinutes: Int
    }

    struct Rung: Decodable {
        let step: HintStep
        let instruction: String
    }

    struct Band: Decodable {
        let openChatAlone: Bool
        let openChatInClassMode: Bool
        let hintsOnlyOnGradedWork: Bool
        let replyStyle: BandPolicy.ReplyStyle
        let persona: String
    }

    let consentAge: Int
    let usage: Usage
    let hintLadder: [Rung]
    let bands: [String: Band]
}

extension PolicyFileError {
    /// Names the field of a decoding error by its path (`bands.junior.replyStyle`, `hintLadder[1].step`).
    init(file: String, decoding error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("") { out, key in
                if let i = key.intValue { return out + "[\(i)]" }
                return out.isEmpty ? key.stringValue : out + "." + key.stringValue
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(file: file, field: path(context.codingPath + [key]), reason: "is missing")
        case .typeMismatch(let type, let context):
            self.init(file: file, field: path(context.codingPath), reason: "is not a \(type): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            self.init(file: file, field: path(context.codingPath), reason: "has no \(type) value")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            // Yams reports a syntax error or a repeated key as corrupt data at the root.
            let cause = context.underlyingError.map { "\($0)" } ?? context.debugDescription
            self.init(file: file, field: "(YAML)", reason: cause)
        case .dataCorrupted(let context):
            self.init(file: file, field: path(context.codingPath), reason: context.debugDescription)
        @unknown default:
            self.init(file: file, field: "(YAML)", reason: "\(error)")
        }
    }
}
