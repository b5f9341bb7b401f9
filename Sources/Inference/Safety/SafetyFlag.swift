/// What a safety rule is about. The raw values are the names used in the rule files and in logs.
public enum SafetyCategory: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case selfHarm
    case violence
    case sexualMinors
    case bullying
    case extremism
    case injection
    /// The reply contains something the caller said must never be sent (system prompt, answer key).
    case leak
    /// Personal data found and redacted before the text left the platform.
    case personalData

    public var description: String { rawValue }
}

/// How serious a match is, and so what the caller does with it.
///
/// - `high`: stop (or refuse) the reply, answer with the flag's message, escalate to the teacher.
/// - `medium`: answer with care and the flag's message; the student's teacher sees it.
/// - `low`: recorded only.
public enum SafetySeverity: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case low
    case medium
    case high

    public static func < (a: SafetySeverity, b: SafetySeverity) -> Bool { a.rank < b.rank }

    var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }

    public var description: String { rawValue }
}

/// One matched safety rule: what it is about, how severe, which rule, and what to tell the student.
/// It never carries the text that matched.
public struct SafetyFlag: Sendable, Hashable, Codable, CustomStringConvertible {
    public let category: SafetyCategory
    public let severity: SafetySeverity
    public let ruleID: String
    /// A short message in Chinese suitable for a student (help resources for self-harm, for instance).
    public let message: String

    public init(category: SafetyCategory, severity: SafetySeverity, ruleID: String, message: String) {
        self.category = category
        self.severity = severity
        self.ruleID = ruleID
        self.message = message
    }

    public var description: String { "\(category)/\(severity) \(ruleID)" }
}

extension Array where Element == SafetyFlag {
    /// The most severe flag, if any (flags from `SafetyScreen.screen` are already sorted this way).
    public var mostSevere: SafetyFlag? { self.max { $0.severity < $1.severity } }
}

/// Where in the pipeline a safety decision was taken.
public enum SafetyStage: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case input
    case output
    case pii

    public var description: String { rawValue }
}

/// A safety decision as it is logged and audited: category, severity, rule and stage — never the
/// text that matched, never the personal data that was redacted.
public struct SafetyDecision: Sendable, Hashable, Codable, CustomStringConvertible {
    public let category: SafetyCategory
    public let severity: SafetySeverity
    public let ruleID: String
    public let stage: SafetyStage

    public init(category: SafetyCategory, severity: SafetySeverity, ruleID: String, stage: SafetyStage) {
        self.category = category
        self.severity = severity
        self.ruleID = ruleID
        self.stage = stage
    }

    /// The decision for a flag raised on the input or the output.
    public init(_ flag: SafetyFlag, stage: SafetyStage) {
        self.init(category: flag.category, severity: flag.severity, ruleID: flag.ruleID, stage: stage)
    }

    /// The decision for a piece of personal data that was redacted.
    public init(_ finding: PIIFinding) {
        self.init(category: .personalData, severity: finding.kind.severity, ruleID: finding.kind.ruleID, stage: .pii)
    }

    public var description: String { "\(stage) \(category)/\(severity) \(ruleID)" }
}
