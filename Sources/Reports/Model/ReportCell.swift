import Foundation

/// A table cell. A suppressed cell describes fewer than 10 students and reads `<10` in every
/// format; a withheld cell is hidden only so that a suppressed one cannot be recovered by
/// subtraction, and reads `*`.
public enum ReportCell: Sendable, Equatable, Codable {
    case number(Double)
    case text(String)
    case suppressed
    case withheld
    case missing

    public static let suppressedText = "<10"
    public static let withheldText = "*"

    public static func count(_ n: Int) -> ReportCell { .number(Double(n)) }

    public var number: Double? {
        if case .number(let v) = self { return v }
        return nil
    }

    /// Suppressed or withheld: the number is not shown.
    public var isHidden: Bool { self == .suppressed || self == .withheld }

    /// The cell as it is written in CSV and tables: integers without a decimal point, other
    /// numbers to one decimal, suppressed as `<10`, missing as empty.
    public var display: String {
        switch self {
        case .number(let v):
            if v.rounded() == v, abs(v) < 1e15 { return String(Int64(v)) }
            return String(format: "%.1f", v)
        case .text(let s): return s
        case .suppressed: return Self.suppressedText
        case .withheld: return Self.withheldText
        case .missing: return ""
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .missing; return }
        if let v = try? c.decode(Double.self) { self = .number(v); return }
        let s = try c.decode(String.self)
        self = s == Self.suppressedText ? .suppressed : s == Self.withheldText ? .withheld : .text(s)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let v): try c.encode(v)
        case .text(let s): try c.encode(s)
        case .suppressed: try c.encode(Self.suppressedText)
        case .withheld: try c.encode(Self.withheldText)
        case .missing: try c.encodeNil()
        }
    }
}
