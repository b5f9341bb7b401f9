/// Addresses the platform never sends a request to: link-local addresses and the cloud metadata
/// services behind them. A misconfigured endpoint or webhook there would hand the host's
/// credentials service a key or a student's text. Checked on the configured URL at start-up and
/// again on the address a connection actually reached (a name may resolve elsewhere later).
public enum ForbiddenDestinations {
    /// Whether `host` — a name, or an address as text (IPv6 with or without brackets, IPv4-mapped
    /// IPv6 too) — is link-local or a metadata service.
    public static func contains(host: String) -> Bool {
        var bare = host.lowercased()
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        if bare.hasPrefix("::ffff:") { bare = String(bare.dropFirst("::ffff:".count)) }   // IPv4-mapped
        let metadataNames: Set = ["metadata", "metadata.google.internal", "metadata.azure.com", "instance-data"]
        if metadataNames.contains(bare) { return true }
        if bare.hasPrefix("169.254.") || bare == "100.100.100.200" { return true }   // IPv4 link-local; Alibaba Cloud metadata
        // IPv6 link-local is fe80::/10: fe80 to febf
        if let first = bare.split(separator: ":", maxSplits: 1).first, first.count == 4, let v = UInt16(first, radix: 16),
           v & 0xFFC0 == 0xFE80, bare.contains(":") { return true }
        return bare == "fd00:ec2::254"                                                // AWS metadata
    }
}
