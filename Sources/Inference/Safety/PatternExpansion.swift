import Foundation

/// Spells out a pattern that is a finite alternation — literal characters, groups `( | )`, `(?: )`
/// and `?` after a character or a group, `\b` at either end — as the list of strings it matches.
///
/// The output screen uses the spelled-out strings as automaton terms instead of running regular
/// expressions on the stream: the automaton knows which end of the text could still grow into a
/// match, so the screen holds back exactly those characters and releases everything else at once
/// (no fixed window that delays every first token), and a match is found before any of its words
/// are sent. Patterns with `.`, `*`, `+`, classes or counted repeats cannot be spelled out and are
/// refused for the output stage.
enum PatternExpansion {
    struct Unsupported: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    /// The strings `pattern` matches; at most `limit` of them.
    static func strings(of pattern: String, limit: Int = 5_000) throws -> [String] {
        var chars = Array(pattern)
        if chars.starts(with: ["\\", "b"]) { chars.removeFirst(2) }
        if chars.count >= 2, chars.suffix(2) == ["\\", "b"] { chars.removeLast(2) }
        var position = 0
        let result = try alternation(chars, &position, limit: limit)
        guard position == chars.count else { throw Unsupported(reason: "unbalanced ')' at \(position)") }
        return Array(Set(result.map { $0.trimmingCharacters(in: .whitespaces) }).filter { !$0.isEmpty }).sorted()
    }

    private static func alternation(_ c: [Character], _ i: inout Int, limit: Int) throws -> [String] {
        var options = try sequence(c, &i, limit: limit)
        while i < c.count, c[i] == "|" {
            i += 1
            options += try sequence(c, &i, limit: limit)
            guard options.count <= limit else { throw tooMany(limit) }
        }
        return options
    }

    private static func sequence(_ c: [Character], _ i: inout Int, limit: Int) throws -> [String] {
        var prefixes = [""]
        while i < c.count, c[i] != "|", c[i] != ")" {
            var item: [String]
            switch c[i] {
            case "(":
                i += 1
                if i + 1 < c.count, c[i] == "?", c[i + 1] == ":" { i += 2 }
                guard i < c.count, c[i] != "?" else { throw Unsupported(reason: "look-around groups cannot be spelled out") }
                item = try alternation(c, &i, limit: limit)
                guard i < c.count, c[i] == ")" else { throw Unsupported(reason: "unclosed '('") }
                i += 1
            case "\\":
                guard i + 1 < c.count, !c[i + 1].isLetter, !c[i + 1].isNumber else {
                    throw Unsupported(reason: "the escape \\\(i + 1 < c.count ? String(c[i + 1]) : "") cannot be spelled out (only \\b at either end)")
                }
                item = [String(c[i + 1])]
                i += 2
            case ".", "*", "+", "[", "]", "{", "}", "^", "$":
                throw Unsupported(reason: "'\(c[i])' cannot be spelled out")
            default:
                item = [String(c[i])]
                i += 1
            }
            if i < c.count, c[i] == "?" {
                item.append("")
                i += 1
            }
            guard prefixes.count * item.count <= limit else { throw tooMany(limit) }
            prefixes = prefixes.flatMap { p in item.map { p + $0 } }
        }
        return prefixes
    }

    private static func tooMany(_ limit: Int) -> Unsupported {
        Unsupported(reason: "it spells out to more than \(limit) strings")
    }
}
