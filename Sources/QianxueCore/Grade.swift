import Foundation

/// A student's grade: `1`…`12`, `V1`…`V3` (secondary vocational), `H1`…`H4` (higher education).
public struct Grade: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String

    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if let n = Int(t), (1...12).contains(n) {
            rawValue = String(n)
        } else if t.count == 2, let n = Int(t.dropFirst()),
                  (t.first == "V" && (1...3).contains(n)) || (t.first == "H" && (1...4).contains(n)) {
            rawValue = t
        } else {
            return nil
        }
    }

    public var description: String { rawValue }

    /// The band this grade belongs to.
    public var band: GradeBand {
        switch rawValue.first {
        case "V": return .vocational
        case "H": return .higher
        default:
            let n = Int(rawValue) ?? 0
            switch n {
            case 1...3: return .primaryLower
            case 4...6: return .primaryUpper
            case 7...9: return .junior
            default: return .senior
            }
        }
    }

    /// Ordering within a band family: 1…12 first, then vocational, then higher.
    private var ordinal: Int {
        switch rawValue.first {
        case "V": return 100 + (Int(rawValue.dropFirst()) ?? 0)
        case "H": return 200 + (Int(rawValue.dropFirst()) ?? 0)
        default: return Int(rawValue) ?? 0
        }
    }

    public static func < (lhs: Grade, rhs: Grade) -> Bool { lhs.ordinal < rhs.ordinal }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let g = Grade(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "'\(s)' is not a grade (1…12, V1…V3, H1…H4)")
        }
        self = g
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// The school stage a grade belongs to; policy, curriculum and reports are set per band.
public enum GradeBand: String, Sendable, Codable, CaseIterable, Hashable {
    case primaryLower = "primary-lower"   // 小学低年级 1–3
    case primaryUpper = "primary-upper"   // 小学高年级 4–6
    case junior                           // 初中 7–9
    case senior                           // 高中 10–12
    case vocational                       // 中职
    case higher                           // 高等教育

    public var isPrimary: Bool { self == .primaryLower || self == .primaryUpper }
}
