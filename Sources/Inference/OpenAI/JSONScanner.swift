/// A forward-only reader of JSON bytes that validates as it goes and builds only the strings and
/// numbers asked for: a streamed answer arrives as hundreds of small JSON chunks, and decoding each
/// into a `Codable` tree cost more than the rest of relaying it. Any malformed input throws
/// `JSONScanner.Malformed`; callers fall back to `JSONDecoder` for its message.
struct JSONScanner: ~Copyable {
    struct Malformed: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    /// Nesting left before the input counts as garbage (nobody sends chunks 64 levels deep).
    private var depth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The input holds exactly one value (and whitespace).
    mutating func end() throws {
        skipSpace()
        guard i == bytes.count else { throw Malformed() }
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func peek() throws -> UInt8 {
        skipSpace()
        guard i < bytes.count else { throw Malformed() }
        return bytes[i]
    }

    private mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw Malformed() }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw Malformed() }
        i += n
    }

    /// `null`, consumed; anything else is left for the caller.
    mutating func null() throws -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// Calls `field` with each key of an object; `field` must consume the value (or `skip()` it).
    mutating func object(_ field: (inout JSONScanner, _ key: UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard try peek() == UInt8(ascii: "{") else { throw Malformed() }
        i += 1
        depth -= 1
        guard depth > 0 else { throw Malformed() }
        if try peek() == UInt8(ascii: "}") { i += 1; depth += 1; return }
        while true {
            guard try peek() == UInt8(ascii: "\"") else { throw Malformed() }
            let (start, end, escaped) = try stringBounds()
            guard !escaped else { throw Malformed() }          // escaped keys: let JSONDecoder read them
            guard try peek() == UInt8(ascii: ":") else { throw Malformed() }
            i += 1
            try field(&self, UnsafeBufferPointer(rebasing: bytes[start..<end]))
            let next = try peek()
            i += 1
            if next == UInt8(ascii: "}") { break }
            guard next == UInt8(ascii: ",") else { throw Malformed() }
        }
        depth += 1
    }

    /// Calls `element` for each element of an array; `element` must consume it.
    mutating func array(_ element: (inout JSONScanner) throws -> Void) throws {
        guard try peek() == UInt8(ascii: "[") else { throw Malformed() }
        i += 1
        depth -= 1
        guard depth > 0 else { throw Malformed() }
        if try peek() == UInt8(ascii: "]") { i += 1; depth += 1; return }
        while true {
            try element(&self)
            let next = try peek()
            i += 1
            if next == UInt8(ascii: "]") { break }
            guard next == UInt8(ascii: ",") else { throw Malformed() }
        }
        depth += 1
    }

    /// A string value, unescaped.
    mutating func string() throws -> String {
        guard try peek() == UInt8(ascii: "\"") else { throw Malformed() }
        let (start, end, escaped) = try stringBounds()
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
        return escaped ? try Self.unescape(raw) : String(decoding: raw, as: UTF8.self)
    }

    /// A string or `null`.
    mutating func optionalString() throws -> String? {
        try null() ? nil : string()
    }

    /// A whole number (or `null`); fractions and exponents are refused.
    mutating func optionalInt() throws -> Int? {
        if try null() { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var value = 0
        let start = i
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39, i - start < 18 {
            value = value * 10 + Int(bytes[i] - 0x30)
            i += 1
        }
        guard i > start else { throw Malformed() }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")
            || (bytes[i] >= 0x30 && bytes[i] <= 0x39) { throw Malformed() }
        return negative ? -value : value
    }

    /// Reads past any value, checking its syntax.
    mutating func skip() throws {
        switch try peek() {
        case UInt8(ascii: "{"): try object { s, _ in try s.skip() }
        case UInt8(ascii: "["): try array { s in try s.skip() }
        case UInt8(ascii: "\""): _ = try stringBounds()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    private mutating func number() throws {
        let start = i
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        let digits = i
        while i < bytes.count, (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == UInt8(ascii: ".")
            || bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") || bytes[i] == UInt8(ascii: "+")
            || bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i > digits, i > start else { throw Malformed() }
    }

    /// From an opening quote: where the contents start and end, and whether they hold escapes.
    private mutating func stringBounds() throws -> (Int, Int, Bool) {
        i += 1
        let start = i
        var escaped = false
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return (start, i - 1, escaped)
            }
            if b == UInt8(ascii: "\\") {
                escaped = true
                i += 2
                continue
            }
            guard b >= 0x20 else { throw Malformed() }
            i += 1
        }
        throw Malformed()
    }
}

extension JSONScanner {
    /// The contents of a string with escapes: `\n`, `\"`, `\u` with four hex digits (surrogate pairs joined) and the rest.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var k = 0
        func hex4(_ at: Int) throws -> UInt32 {
            guard at + 4 <= raw.count else { throw Malformed() }
            var v: UInt32 = 0
            for b in raw[at..<at + 4] {
                switch b {
                case 0x30...0x39: v = v << 4 | UInt32(b - 0x30)
                case 0x41...0x46: v = v << 4 | UInt32(b - 0x37)
                case 0x61...0x66: v = v << 4 | UInt32(b - 0x57)
                default: throw Malformed()
                }
            }
            return v
        }
        while k < raw.count {
            let b = raw[k]
            guard b == UInt8(ascii: "\\") else { out.append(b); k += 1; continue }
            guard k + 1 < raw.count else { throw Malformed() }
            let e = raw[k + 1]
            k += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = try hex4(k)
                k += 4
                if (0xD800...0xDBFF).contains(scalar), k + 6 <= raw.count, raw[k] == UInt8(ascii: "\\"), raw[k + 1] == UInt8(ascii: "u") {
                    let low = try hex4(k + 2)
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        k += 6
                    }
                }
                // A lone surrogate is not a character: U+FFFD, as JSONDecoder's lenient readers do.
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: UTF8.encode(u)!)
            default: throw Malformed()
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
