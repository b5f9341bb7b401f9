/// What every match of a regular expression must contain, read from the pattern's syntax: a set of
/// strings of which each match holds at least one. A text that holds none of them cannot match, so
/// the input screen need not run the expression on it (`PatternGate`).
///
/// The derivation is sound by construction, and refuses what it does not understand:
/// - a literal character requires itself; literal characters in a row require the run;
/// - a sequence requires what any one of its parts requires (the part with the longest strings is
///   kept); an alternation requires the union of its branches' sets, and nothing if one branch
///   requires nothing;
/// - `?`, `*`, `{0,n}` require nothing; `+`, `{n}`, `{n,}`, `{n,m}` with n ≥ 1 require what their
///   atom does;
/// - a class of at most 32 listed characters requires one of them; other classes, `.`, `\s`, `\p{…}`
///   and the like require nothing; anchors, `\b` and lookarounds are zero-width and require nothing;
/// - inline flags (`(?i)`), named groups, back-references, `\Q…\E`, nested or combined classes,
///   property sets written `[:…:]` and unknown escapes make the whole pattern unknown (`nil`): it
///   always runs.
///
/// Matching is taken as case-sensitive and on scalars, as `SafetyPattern` compiles patterns.
enum PatternRequirement {
    struct Unknown: Error {}

    /// Strings of which every match of `pattern` contains at least one; nil when the pattern
    /// requires nothing this derivation can name, or uses syntax it does not read.
    static func strings(of pattern: String) -> Set<String>? {
        var parser = Parser(Array(pattern.unicodeScalars))
        guard let result = try? parser.alternation(), parser.atEnd else { return nil }
        return result
    }

    fileprivate struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        init(_ s: [Unicode.Scalar]) { self.s = s }

        var atEnd: Bool { i == s.count }
        private func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < s.count ? s[i + k] : nil }

        /// One atom: what it requires, and its character when it is a single literal one.
        private struct Atom {
            var required: Set<String>?
            var literal: Unicode.Scalar?
            /// Anchors and lookarounds: they match no character.
            var zeroWidth = false
        }

        mutating func alternation() throws -> Set<String>? {
            var union: Set<String>? = try sequence()
            while peek() == "|" {
                i += 1
                let branch = try sequence()
                if let b = branch, let u = union { union = u.union(b) } else { union = nil }
            }
            return union
        }

        private mutating func sequence() throws -> Set<String>? {
            var candidates: [Set<String>] = []
            var run = String.UnicodeScalarView()
            func flush() {
                if !run.isEmpty { candidates.append([String(run)]) }
                run = String.UnicodeScalarView()
            }
            while let c = peek(), c != "|", c != ")" {
                let atom = try self.atom()
                let (low, quantified) = try quantifier()
                if let literal = atom.literal, !quantified {
                    run.append(literal)
                    continue
                }
                flush()
                if atom.zeroWidth { continue }
                if low >= 1, let r = atom.required { candidates.append(r) }
            }
            flush()
            return candidates.max { Self.weaker($0, than: $1) }
        }

        /// The set whose shortest string is shorter (fewer strings break a tie) is the weaker filter.
        private static func weaker(_ a: Set<String>, than b: Set<String>) -> Bool {
            let la = a.map(\.unicodeScalars.count).min() ?? 0, lb = b.map(\.unicodeScalars.count).min() ?? 0
            return la != lb ? la < lb : a.count > b.count
        }

        /// A quantifier after an atom, if any: its lower bound (1 without one) and whether there was one.
        private mutating func quantifier() throws -> (Int, Bool) {
            var low = 1
            switch peek() {
            case "?", "*": low = 0; i += 1
            case "+": i += 1
            case "{":
                i += 1
                var digits = ""
                while let d = peek(), d.properties.numericType == .decimal, d.isASCII { digits.unicodeScalars.append(d); i += 1 }
                guard let n = Int(digits) else { throw Unknown() }
                low = n
                if peek() == "," {
                    i += 1
                    while let d = peek(), d.properties.numericType == .decimal, d.isASCII { i += 1 }
                }
                guard peek() == "}" else { throw Unknown() }
                i += 1
            default: return (1, false)
            }
            if peek() == "?" || peek() == "+" { i += 1 }  // lazy or possessive: the same characters
            return (low, true)
        }

        private mutating func atom() throws -> Atom {
            guard let c = peek() else { throw Unknown() }
            i += 1
            switch c {
            case "(":
                var zeroWidth = false
                if peek() == "?" {
                    switch (peek(1), peek(2)) {
                    case (":", _): i += 2
                    case ("=", _), ("!", _): i += 2; zeroWidth = true
                    case ("<", "="), ("<", "!"): i += 3; zeroWidth = true
                    default: throw Unknown()  // flags, named or atomic groups, comments
                    }
                }
                let inner = try alternation()
                guard peek() == ")" else { throw Unknown() }
                i += 1
                return zeroWidth ? Atom(zeroWidth: true) : Atom(required: inner)
            case "[":
                return Atom(required: try characterClass().map { Set($0.map { String($0) }) })
            case "\\":
                return try escape()
            case ".": return Atom()
            case "^", "$": return Atom(zeroWidth: true)
            case ")", "]", "{", "}", "|", "?", "*", "+": throw Unknown()
            default: return Atom(required: [String(c)], literal: c)
            }
        }

        /// After a backslash.
        private mutating func escape() throws -> Atom {
            guard let e = peek() else { throw Unknown() }
            i += 1
            switch e {
            case "b", "B", "A", "z", "Z", "G": return Atom(zeroWidth: true)
            case "s", "S", "d", "D", "w", "W", "h", "H", "v", "V", "R", "X": return Atom()
            case "p", "P", "N":
                try skipBraced(orOne: e != "N")
                return Atom()
            case "x", "u", "U":
                let c = try codePoint(after: e)
                return Atom(required: [String(c)], literal: c)
            default:
                // escaped punctuation is the character itself; other escaped letters and digits
                // (\t, \1, \Q, \k, …) are not read here
                guard e.isASCII, !e.properties.isAlphabetic, !("0"..."9").contains(e) else { throw Unknown() }
                return Atom(required: [String(e)], literal: e)
            }
        }

        /// `{…}`, or (when allowed) one character, after \p, \P or \N.
        private mutating func skipBraced(orOne: Bool) throws {
            if peek() == "{" {
                while let c = peek(), c != "}" { i += 1 }
                guard peek() == "}" else { throw Unknown() }
                i += 1
            } else {
                guard orOne, peek() != nil else { throw Unknown() }
                i += 1
            }
        }

        /// The character of \xhh, \x{h…}, \uhhhh or \Uhhhhhhhh.
        private mutating func codePoint(after e: Unicode.Scalar) throws -> Unicode.Scalar {
            var hex = ""
            if e == "x", peek() == "{" {
                i += 1
                while let c = peek(), c != "}" { hex.unicodeScalars.append(c); i += 1 }
                guard peek() == "}" else { throw Unknown() }
                i += 1
            } else {
                let count = e == "x" ? 2 : e == "u" ? 4 : 8
                for _ in 0..<count {
                    guard let c = peek() else { throw Unknown() }
                    hex.unicodeScalars.append(c)
                    i += 1
                }
            }
            guard let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else { throw Unknown() }
            return scalar
        }

        /// After `[`: the class's characters when it lists at most 32 and is not negated, else nil.
        private mutating func characterClass() throws -> [Unicode.Scalar]? {
            // `[:Letter:]` is a property set in ICU, not the characters between the brackets
            if peek() == ":" { throw Unknown() }
            var negated = false
            if peek() == "^" { negated = true; i += 1 }
            // ICU takes a `]` right after `[` or `[^` as a member: not read here
            if peek() == "]" { throw Unknown() }
            var members: [Unicode.Scalar] = []
            var open = false  // a member the class cannot list (\s, \p{…}, a wide range)
            while let c = peek(), c != "]" {
                if c == "[" || (c == "&" && peek(1) == "&") || (c == "-" && peek(1) == "-") { throw Unknown() }
                let low = try classMember()
                guard let low else { open = true; continue }
                if peek() == "-", let next = peek(1), next != "]" {
                    i += 1
                    guard let high = try classMember(), low.value <= high.value else { throw Unknown() }
                    if high.value - low.value >= 32 {
                        open = true
                    } else {
                        for v in low.value...high.value { if let u = Unicode.Scalar(v) { members.append(u) } }
                    }
                } else {
                    members.append(low)
                }
            }
            guard peek() == "]" else { throw Unknown() }
            i += 1
            guard !negated, !open, !members.isEmpty, members.count <= 32 else { return nil }
            return members
        }

        /// One member of a class: its character, or nil for a set such as \s or \p{…}.
        private mutating func classMember() throws -> Unicode.Scalar? {
            guard let c = peek() else { throw Unknown() }
            i += 1
            guard c == "\\" else { return c }
            guard let e = peek() else { throw Unknown() }
            i += 1
            switch e {
            case "s", "S", "d", "D", "w", "W", "h", "H", "v", "V": return nil
            case "p", "P", "N": try skipBraced(orOne: e != "N"); return nil
            case "x", "u", "U": return try codePoint(after: e)
            default:
                guard e.isASCII, !e.properties.isAlphabetic, !("0"..."9").contains(e) else { throw Unknown() }
                return e
            }
        }
    }
}
