import Foundation

/// A text with its personal data replaced by placeholders, what was replaced (kinds, never values),
/// and — kept private — which name each name placeholder stands for, so that a reply can show the
/// names again. Its descriptions and mirror show neither the names nor the original text.
public struct Redaction: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The text with placeholders, safe to send to the model.
    public let text: String
    /// What was replaced, in the order it occurs in the text.
    public let findings: [PIIFinding]
    /// Placeholder → name, for every name the caller passed (only names: an ID number, a phone
    /// number, a card number or an address is never put back).
    private let names: [String: String]

    init(text: String, findings: [PIIFinding], names: [String: String]) {
        self.text = text
        self.findings = findings
        self.names = names
    }

    /// Puts the names back into a reply: `[同学A]` (also written `［同学A］` or `【同学A】`) becomes
    /// the classmate's name. Other placeholders stay as they are.
    public func restore(_ reply: String) -> String {
        guard !names.isEmpty, reply.contains(where: { $0 == "[" || $0 == "［" || $0 == "【" }) else { return reply }
        var out = reply
        for (placeholder, name) in names {
            let inner = placeholder.dropFirst().dropLast()
            for form in [placeholder, "［\(inner)］", "【\(inner)】"] where out.contains(form) {
                out = out.replacingOccurrences(of: form, with: name)
            }
        }
        return out
    }

    /// The decisions to log: one per finding, with rule id and severity, never the value.
    public var decisions: [SafetyDecision] { findings.map(SafetyDecision.init) }

    public var description: String {
        let kinds = findings.map(\.kind.rawValue).joined(separator: ", ")
        return "Redaction(\(findings.count) findings\(kinds.isEmpty ? "" : ": \(kinds)"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["findings": findings], displayStyle: .struct)
    }
}

/// A name to keep out of the text sent to the model, and who it is to the student.
public struct NameToRedact: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        /// Becomes `[同学A]`, `[同学B]`, … in the order the caller lists classmates.
        case classmate
        /// Becomes `[老师A]`, `[老师B]`, …
        case teacher
        /// The student themself: `[本人]`.
        case student
    }

    public let name: String
    public let role: Role
    /// Other ways the same person is written (a given name, a nickname): same placeholder.
    public let aliases: [String]

    public init(name: String, role: Role, aliases: [String] = []) {
        self.name = name
        self.role = role
        self.aliases = aliases
    }

    public var description: String { "NameToRedact(\(role), \(name.count) characters, \(aliases.count) aliases)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["role": role], displayStyle: .struct) }
}
