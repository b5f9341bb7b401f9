import Foundation
import Synchronization

/// Request ids: a sane `X-Request-Id` is kept, else one is made.
enum RequestIDs {
    /// A random (version 4) UUID in lower case. Every request without an id of its own gets one, so
    /// the random bytes come from a pool filled 4 KB at a time (two `getrandom` calls per request
    /// showed in the gateway's profile) and the text is written straight into the string.
    static func generate() -> String {
        let (a, b) = pool.withLock { $0.next() }
        return String(unsafeUninitializedCapacity: 36) { out in
            var o = 0
            for i in 0..<16 {
                if i == 4 || i == 6 || i == 8 || i == 10 {
                    out[o] = UInt8(ascii: "-")
                    o += 1
                }
                var byte = UInt8(truncatingIfNeeded: (i < 8 ? a : b) >> (56 - 8 * (i % 8)))
                if i == 6 { byte = (byte & 0x0F) | 0x40 }   // version 4
                if i == 8 { byte = (byte & 0x3F) | 0x80 }   // RFC 4122 variant
                out[o] = hexDigit(byte >> 4)
                out[o + 1] = hexDigit(byte & 0x0F)
                o += 2
            }
            return o
        }
    }

    /// 1–128 characters of letters, digits, `-`, `_`, `.`, `:`; anything else is replaced.
    static func accept(_ s: String) -> String? {
        guard (1...128).contains(s.count),
              s.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_.:".unicodeScalars.contains($0) })
        else { return nil }
        return s
    }

    private static func hexDigit(_ n: UInt8) -> UInt8 {
        n < 10 ? UInt8(ascii: "0") + n : UInt8(ascii: "a") + n - 10
    }

    private static let pool = Mutex(RandomPool())
}

/// Random bytes read from the system 4 KB at a time, handed out 16 at a time.
private struct RandomPool {
    private var words: [UInt64] = []
    private var offset = 0

    mutating func next() -> (UInt64, UInt64) {
        if offset + 2 > words.count {
            words = Self.fill(count: 512)
            offset = 0
        }
        defer { offset += 2 }
        return (words[offset], words[offset + 1])
    }

    private static func fill(count: Int) -> [UInt64] {
        if let data = FileHandle(forReadingAtPath: "/dev/urandom")?.readData(ofLength: count * 8), data.count == count * 8 {
            return data.withUnsafeBytes { raw in (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) } }
        }
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in rng.next() }
    }
}
