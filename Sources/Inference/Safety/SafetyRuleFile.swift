import Foundation
import Yams

/// One file of `Resources/safety/`: a category, the message a student sees when it is flagged,
/// and its rules. Reviewers edit these files; the Swift only reads them.
///
/// ```yaml
/// category: selfHarm
/// message: 听起来你现在可能很难受……
/// stages: [input, output]          # default for the rules below
/// rules:
///   - id: selfharm.intent.zh
///     severity: high
///     languages: [zh]
///     terms: [我想自杀, 不想活了]      # matched on folded text; English terms on word boundaries
///     patterns: ['我.{0,3}想.{0,2}去死']  # ICU regular expressions, on folded text unless `match: raw`
///     except: [想死你]                 # an overlapping occurrence of one of these cancels a match
///     downgrade: {to: low, context: [历史, 新闻]}  # lower severity when the text has one of these
/// ```
struct SafetyRuleFile: Decodable {
    let category: SafetyCategory
    let message: String
    let stages: [SafetyStage]?
    let rules: [Entry]?

    struct Entry: Decodable {
        let id: String
        let severity: SafetySeverity
        let languages: [String]
        let terms: [String]?
        let patterns: [String]?
        /// `raw` to run the patterns on the text as written (invisible characters, letter case).
        let match: String?
        let except: [String]?
        let downgrade: Downgrade?
        let stages: [SafetyStage]?
        let message: String?
    }

    struct Downgrade: Decodable {
        let to: SafetySeverity
        let context: [String]
    }

    static func decode(_ yaml: String, file: String) throws -> SafetyRuleFile {
        do {
            return try YAMLDecoder().decode(SafetyRuleFile.self, from: yaml)
        } catch {
            throw SafetyLexiconError(file: file, reason: "\(error)")
        }
    }
}

/// A rule file that cannot be used: the file and what is wrong with it.
public struct SafetyLexiconError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let reason: String

    public var description: String { "safety rules \(file): \(reason)" }
}

/// A rule as the screens use it.
struct SafetyRule: Sendable {
    let id: String
    let category: SafetyCategory
    let severity: SafetySeverity
    let languages: [String]
    let stages: Set<SafetyStage>
    let message: String
    let patterns: [SafetyPattern]
    let matchesRaw: Bool
    let downgrade: SafetySeverity?
    /// How far past the end of a match an exception of this rule can reach: a stream waits that
    /// long before it acts on a match, so that "自杀" is not taken for self-harm before "式袭击" arrives.
    let exceptReach: Int
    let termCount: Int

    var hasInputPatterns: Bool { !patterns.isEmpty && stages.contains(.input) }

    func severity(inContext: Bool) -> SafetySeverity { inContext ? (downgrade ?? severity) : severity }

    func flag(inContext: Bool) -> SafetyFlag {
        SafetyFlag(category: category, severity: severity(inContext: inContext), ruleID: id, message: message)
    }
}

/// A compiled regular expression of a rule. `NSRegularExpression` is immutable once built and safe
/// to share between threads.
struct SafetyPattern: @unchecked Sendable {
    let regex: NSRegularExpression
    let source: String

    /// Patterns on folded text meet lower-case text only, so they are written in lower case (which
    /// also spares the matcher case folding); raw patterns are taken as written.
    init(_ source: String, raw: Bool) throws {
        if !raw, let letter = Self.upperCaseLiteral(in: source) {
            throw SafetyLexiconError(file: "", reason: "pattern has the upper-case letter '\(letter)'; folded text is lower case")
        }
        self.source = source
        regex = try NSRegularExpression(pattern: source, options: [])
    }

    /// An upper-case ASCII letter that is a literal of the pattern, not part of an escape such as
    /// `\S`, `\B` or `\p{Han}`.
    static func upperCaseLiteral(in source: String) -> Character? {
        var escaped = false
        var skip = 0             // hex digits of \uhhhh or \xhh, or the letter of \pL
        var braced = false       // inside \p{…}, \x{…}, \N{…}
        var braceNext = false
        for c in source {
            if braceNext {
                braceNext = false
                if c == "{" {
                    braced = true
                    skip = 0
                    continue
                }
                skip -= 1        // \pL or \xhh: this was the first of them
                continue
            }
            if braced {
                if c == "}" { braced = false }
                continue
            }
            if skip > 0 { skip -= 1; continue }
            if escaped {
                escaped = false
                switch c {
                case "p", "P", "N": braceNext = true; skip = 1
                case "x": braceNext = true; skip = 2
                case "u": skip = 4
                case "U": skip = 8
                default: break
                }
                continue
            }
            if c == "\\" { escaped = true; continue }
            if c.isASCII, c.isUppercase { return c }
        }
        return nil
    }

    /// Matches in `string`, as UTF-16 ranges.
    func ranges(in string: String) -> [NSRange] {
        let whole = NSRange(location: 0, length: (string as NSString).length)
        return regex.matches(in: string, options: [], range: whole).map(\.range).filter { $0.length > 0 }
    }
}
