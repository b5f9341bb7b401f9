import Foundation

/// Replaces personal data with placeholders before a text leaves the platform: resident ID
/// numbers (check digit and birth date verified), mobile and landline numbers, emails, bank card
/// numbers (Luhn), labelled QQ and WeChat ids, recognisable home addresses, and the names the
/// caller passes.
///
/// The longest detection wins where two overlap (then the more specific kind), and a number is only
/// taken whole: digits inside a longer run of digits are never half replaced.
public struct PIIRedactor: Sendable {
    /// Texts already redacted with the same names (a conversation's earlier messages come back on
    /// every turn); none: every text is redacted afresh.
    public let cache: RedactionCache?

    public init(cache: RedactionCache? = nil) {
        self.cache = cache
    }

    /// The names of one request, with their placeholders, made ready once for all its texts.
    public struct PreparedNames: Sendable {
        let byName: [(String, String)]
        let byPlaceholder: [String: String]
        /// This exact list (names, roles, aliases, order): part of the cache key.
        let key: String
    }

    public func prepare(_ names: [NameToRedact]) -> PreparedNames {
        var key = ""
        for n in names { key += "\(n.role.rawValue):\(n.name)|\(n.aliases.joined(separator: "|"))\u{1}" }
        // a class's list comes back on every turn of its students: its placeholders are made once
        if let known = cache?.prepared(key) { return known }
        let p = Self.placeholders(for: names)
        let prepared = PreparedNames(byName: p.byName, byPlaceholder: p.byPlaceholder, key: key)
        cache?.putPrepared(prepared)
        return prepared
    }

    /// The redacted text, what was found, and the private way back for names.
    public func redact(_ text: String, names: [NameToRedact] = []) -> Redaction {
        redact(text, prepared: prepare(names))
    }

    public func redact(_ text: String, prepared: PreparedNames) -> Redaction {
        if let cache {
            let key = prepared.key + "\u{0}" + text
            if let hit = cache.get(key) { return hit }
            let r = redactAfresh(text, prepared)
            cache.put(key, r)
            return r
        }
        return redactAfresh(text, prepared)
    }

    private func redactAfresh(_ text: String, _ placeholders: PreparedNames) -> Redaction {
        guard !text.isEmpty else { return Redaction(text: text, findings: [], names: placeholders.byPlaceholder) }
        let source = text as NSString
        // full-width digits, letters and colons folded in place: same UTF-16 offsets as the text
        let folded = Self.foldWidth(text)
        var candidates = PIIDetectors.detect(in: folded)
        for (name, placeholder) in placeholders.byName {
            var from = 0
            while from < source.length {
                let r = source.range(of: name, options: [], range: NSRange(location: from, length: source.length - from))
                guard r.location != NSNotFound else { break }
                candidates.append(PIICandidate(range: r, kind: .name, placeholder: placeholder))
                from = r.location + r.length
            }
        }
        let chosen = Self.choose(candidates)
        var out = ""
        var findings: [PIIFinding] = []
        var cursor = 0
        for c in chosen {
            out += source.substring(with: NSRange(location: cursor, length: c.range.location - cursor))
            out += c.placeholder
            findings.append(PIIFinding(kind: c.kind, placeholder: c.placeholder))
            cursor = c.range.location + c.range.length
        }
        out += source.substring(from: cursor)
        return Redaction(text: out, findings: findings, names: placeholders.byPlaceholder)
    }

    /// Longest first, then most specific; the survivors in text order.
    static func choose(_ candidates: [PIICandidate]) -> [PIICandidate] {
        let ordered = candidates.sorted {
            if $0.range.length != $1.range.length { return $0.range.length > $1.range.length }
            if $0.kind.specificity != $1.kind.specificity { return $0.kind.specificity > $1.kind.specificity }
            return $0.range.location < $1.range.location
        }
        var taken: [PIICandidate] = []
        for c in ordered where !taken.contains(where: { NSIntersectionRange($0.range, c.range).length > 0 }) {
            taken.append(c)
        }
        return taken.sorted { $0.range.location < $1.range.location }
    }

    /// Placeholders for the names, by role, in the order the caller lists them, so that the same
    /// list gives the same placeholders on every turn of a conversation.
    static func placeholders(for names: [NameToRedact]) -> (byName: [(String, String)], byPlaceholder: [String: String]) {
        var byName: [String: String] = [:]
        var byPlaceholder: [String: String] = [:]
        var classmates = 0, teachers = 0
        for person in names {
            let name = person.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, byName[name] == nil else { continue }
            let placeholder: String
            switch person.role {
            case .student: placeholder = "[本人]"
            case .classmate:
                placeholder = "[同学\(letter(classmates))]"
                classmates += 1
            case .teacher:
                placeholder = "[老师\(letter(teachers))]"
                teachers += 1
            }
            byName[name] = placeholder
            if byPlaceholder[placeholder] == nil { byPlaceholder[placeholder] = name }
            for alias in person.aliases {
                let a = alias.trimmingCharacters(in: .whitespacesAndNewlines)
                if !a.isEmpty, byName[a] == nil { byName[a] = placeholder }
            }
        }
        // longer names first, so that 王小明 is found before 王小
        let ordered = byName.sorted { $0.key.utf16.count != $1.key.utf16.count ? $0.key.utf16.count > $1.key.utf16.count : $0.key < $1.key }
        return (ordered.map { ($0.key, $0.value) }, byPlaceholder)
    }

    /// A, B, … Z, then 27, 28, … for a very long list.
    static func letter(_ index: Int) -> String {
        index < 26 ? String(UnicodeScalar(UInt8(65 + index))) : String(index + 1)
    }

    /// Folds full-width ASCII to ASCII, the ideographic space and invisible characters to a space,
    /// keeping every UTF-16 offset where it was.
    static func foldWidth(_ text: String) -> String {
        let units = text.utf16.map { u -> UInt16 in
            switch u {
            case 0xFF01...0xFF5E: u - 0xFEE0
            case 0x3000, 0x00A0, 0x200B...0x200D, 0x2060, 0xFEFF: 0x20
            default: u
            }
        }
        return String(decoding: units, as: UTF16.self)
    }
}

/// A detection before overlaps are resolved.
struct PIICandidate {
    let range: NSRange
    let kind: PIIKind
    let placeholder: String

    init(range: NSRange, kind: PIIKind, placeholder: String? = nil) {
        self.range = range
        self.kind = kind
        self.placeholder = placeholder ?? kind.placeholder
    }
}
