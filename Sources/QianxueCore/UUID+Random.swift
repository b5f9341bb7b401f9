import Foundation

extension UUID {
    /// A random (version 4) UUID from the system generator (getrandom). Foundation's `UUID()` opens
    /// /dev/urandom on every call on Linux, which showed in the profile of every streamed answer.
    public static func random() -> UUID {
        var rng = SystemRandomNumberGenerator()
        var bytes = (rng.next() as UInt64, rng.next() as UInt64)
        bytes.0 = (bytes.0 & ~(0xF << 12)) | (0x4 << 12)          // version 4 (big-endian layout below)
        bytes.1 = (bytes.1 & ~(0x3 << 62)) | (0x2 << 62)          // RFC 4122 variant
        let (a, b) = (bytes.0.bigEndian, bytes.1.bigEndian)
        return withUnsafeBytes(of: (a, b)) { raw in
            UUID(uuid: (raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
                        raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]))
        }
    }

    /// The lower-case text form, without Foundation's formatter.
    public var lowercasedString: String {
        var hex = Array(withUnsafeBytes(of: uuid) { Digest.hex(Array($0)) }.utf8)
        for index in [8, 13, 18, 23] { hex.insert(UInt8(ascii: "-"), at: index) }
        return String(decoding: hex, as: UTF8.self)
    }
}
