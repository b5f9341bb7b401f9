import Foundation

/// A GB/T 2260 administrative division code: `52` (province), `5203` (prefecture 市州), `520302` (county 区县).
public struct RegionCode: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts 2, 4 or 6 digits; trailing zero pairs of a 6-digit form (`520000`, `520300`) are folded.
    public init?(_ text: String) {
        var t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, t.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if t.count == 6 {
            if t.hasSuffix("0000") { t = String(t.prefix(2)) } else if t.hasSuffix("00") { t = String(t.prefix(4)) }
        }
        guard [2, 4, 6].contains(t.count) else { return nil }
        rawValue = t
    }

    public var description: String { rawValue }

    public var level: RegionLevel {
        switch rawValue.count {
        case 2: return .province
        case 4: return .prefecture
        default: return .county
        }
    }

    /// The code one level up, or nil for a province.
    public var parent: RegionCode? {
        rawValue.count > 2 ? RegionCode(String(rawValue.prefix(rawValue.count - 2))) : nil
    }

    /// True when `other` is this region or lies inside it.
    public func contains(_ other: RegionCode) -> Bool { other.rawValue.hasPrefix(rawValue) }

    public static func < (lhs: RegionCode, rhs: RegionCode) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let code = RegionCode(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "'\(s)' is not a GB/T 2260 region code")
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// The tiers of the region tree: 省 province, 市州 prefecture, 区县 county.
public enum RegionLevel: String, Sendable, Codable, CaseIterable {
    case province, prefecture, county
}
