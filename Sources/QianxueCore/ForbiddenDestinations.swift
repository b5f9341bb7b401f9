#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Addresses the platform never sends a request to: link-local addresses and the cloud metadata
/// services behind them. A misconfigured endpoint or webhook there would hand the host's
/// credentials service a key or a student's text. Checked on the configured URL at start-up, and —
/// for `http://` destinations, whose connections are the platform's own (`PlainHTTP1Client`) — again
/// on the address a new connection reached (a name may resolve elsewhere later).
public enum ForbiddenDestinations {
    /// Whether `host` — a name, or an address in any spelling the resolver takes (IPv6 with or
    /// without brackets or a zone, IPv4-mapped IPv6, IPv4 as one number, octal or hex parts) — is
    /// link-local or a metadata service.
    public static func contains(host: String) -> Bool {
        var bare = host.lowercased()
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        if let zone = bare.firstIndex(of: "%") { bare = String(bare[..<zone]) }   // fe80::1%eth0
        if bare.hasSuffix(".") { bare.removeLast() }                              // a fully qualified name
        if metadataNames.contains(bare) { return true }
        if let v4 = ipv4(bare) { return forbidden(v4) }
        if let v6 = ipv6(bare) { return forbidden(v6) }
        return false
    }

    private static let metadataNames: Set = ["metadata", "metadata.google.internal", "metadata.azure.com", "instance-data"]

    /// IPv4 link-local 169.254/16; Alibaba Cloud's metadata 100.100.100.200.
    private static func forbidden(_ v4: UInt32) -> Bool { v4 >> 16 == 0xA9FE || v4 == 0x6464_64C8 }

    private static func forbidden(_ v6: [UInt8]) -> Bool {
        if v6[0] == 0xFE, v6[1] & 0xC0 == 0x80 { return true }                   // fe80::/10
        if v6[0..<10].allSatisfy({ $0 == 0 }), v6[10] == 0xFF, v6[11] == 0xFF {    // ::ffff:a.b.c.d
            return forbidden(v6[12...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        return v6 == [0xFD, 0, 0x0E, 0xC2] + Array(repeating: 0, count: 10) + [0x02, 0x54]   // AWS: fd00:ec2::254
    }

    /// The address `inet_aton` reads — every IPv4 spelling the resolver accepts as numbers.
    private static func ipv4(_ s: String) -> UInt32? {
        guard !s.isEmpty, s.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == "x" }) else { return nil }
        var a = in_addr()
        guard inet_aton(s, &a) != 0 else { return nil }
        return UInt32(bigEndian: a.s_addr)
    }

    private static func ipv6(_ s: String) -> [UInt8]? {
        guard s.contains(":") else { return nil }
        var a = in6_addr()
        guard inet_pton(AF_INET6, s, &a) == 1 else { return nil }
        return withUnsafeBytes(of: &a) { Array($0) }
    }
}
