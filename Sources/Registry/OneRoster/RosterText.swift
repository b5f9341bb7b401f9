import Foundation
import QianxueCore

/// The text checks an import makes on every row, with fast paths for the plain ASCII a roster
/// almost always holds; anything else takes the general (Foundation) path, so results are the same.
enum RosterText {
    /// `s.trimmingCharacters(in: .whitespaces)`.
    static func trimmed(_ s: String) -> String {
        guard let first = s.utf8.first, let last = s.utf8.last else { return s }
        if first < 0x80, last < 0x80, first != 0x20, first != 0x09, last != 0x20, last != 0x09 { return s }
        return s.trimmingCharacters(in: .whitespaces)
    }

    /// A username as the registry keeps it: trimmed and lower-cased.
    static func username(_ s: String) -> String { trimmed(s).lowercased() }

    /// Whether `UsernameRule.check` accepts a username already trimmed and lower-cased.
    static func isUsername(_ u: String) -> Bool {
        let plain = u.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
        if plain { return (3...64).contains(u.utf8.count) }
        return (try? UsernameRule.check(u)) != nil
    }

    /// `^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2}))?$`, as the regular expression
    /// reads it; text with other characters (non-ASCII digits, a trailing line break) goes to it.
    static func isDateTime(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x3A || $0 == 0x2E || $0 == 0x2B || $0 == 0x54 || $0 == 0x5A }) else {
            return s.range(of: #"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2}))?$"#, options: .regularExpression) != nil
        }
        var i = 0
        func digits(_ n: Int) -> Bool {
            guard i + n <= b.count, b[i..<i + n].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
            i += n
            return true
        }
        func byte(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard digits(4), byte(0x2D), digits(2), byte(0x2D), digits(2) else { return false }
        if i == b.count { return true }
        guard byte(0x54), digits(2), byte(0x3A), digits(2), byte(0x3A), digits(2) else { return false }
        if byte(0x2E) {
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            guard i > start else { return false }
        }
        if byte(0x5A) { return i == b.count }
        guard i < b.count, b[i] == 0x2B || b[i] == 0x2D else { return false }
        i += 1
        guard digits(2) else { return false }
        _ = byte(0x3A)
        return digits(2) && i == b.count
    }

    /// Whether `PlatformCalendar.parseDay` reads a day: YYYY-MM-DD of the Gregorian calendar worked
    /// out directly for years 1600–9999, the calendar itself for anything else.
    static func isDay(_ s: String) -> Bool {
        let b = Array(s.utf8)
        func number(_ r: Range<Int>) -> Int? {
            var n = 0
            for k in r {
                guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }
                n = n * 10 + Int(b[k] - 0x30)
            }
            return n
        }
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D, let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), y >= 1600 else {
            return PlatformCalendar.parseDay(s) != nil
        }
        guard (1...12).contains(m), d >= 1 else { return false }
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d <= days
    }

    /// The parts of a comma-separated list, trimmed, without empty ones.
    static func list(_ raw: String) -> [String] {
        if !raw.utf8.contains(UInt8(ascii: ",")) {
            let t = trimmed(raw)
            return t.isEmpty ? [] : [t]
        }
        return raw.split(separator: ",").map { trimmed(String($0)) }.filter { !$0.isEmpty }
    }
}
