/// The student AI-competency framework the curriculum, assessment and reports share: 4 dimensions
/// by 3 progression levels. A code reads `DIMENSION-LEVEL`, e.g. `TA-A` (AI techniques and
/// applications, apply).
public struct Competency: CompetencyCode, Codable {
    public enum Dimension: String, Sendable, CaseIterable, Codable {
        case humanCentred = "HM"   // 以人为本的思维 human-centred mindset
        case ethics = "ET"         // 人工智能伦理 ethics of AI
        case techniques = "TA"     // 人工智能技术与应用 AI techniques and applications
        case systemDesign = "SD"   // 人工智能系统设计 AI system design
    }

    public enum Level: String, Sendable, CaseIterable, Codable, Comparable {
        case understand = "U"      // 理解
        case apply = "A"           // 应用
        case create = "C"          // 创造

        private var rank: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
    }

    public let dimension: Dimension
    public let level: Level

    public init(_ dimension: Dimension, _ level: Level) {
        self.dimension = dimension
        self.level = level
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = Competency(code: s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "'\(s)' is not a competency code such as TA-A")
        }
        self = v
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(code)
    }
}

/// A cell of a competency framework, written `DIMENSION-LEVEL`: the student framework
/// (`Competency`) and the teacher framework of professional development share this shape.
public protocol CompetencyCode: Sendable, Hashable, CustomStringConvertible {
    associatedtype Dimension: RawRepresentable, CaseIterable, Sendable where Dimension.RawValue == String
    associatedtype Level: RawRepresentable, CaseIterable, Sendable where Level.RawValue == String
    var dimension: Dimension { get }
    var level: Level { get }
    init(_ dimension: Dimension, _ level: Level)
}

extension CompetencyCode {
    public init?(code: String) {
        let parts = code.split(separator: "-")
        guard parts.count == 2, let d = Dimension(rawValue: String(parts[0])), let l = Level(rawValue: String(parts[1])) else {
            return nil
        }
        self.init(d, l)
    }

    public var code: String { "\(dimension.rawValue)-\(level.rawValue)" }
    public var description: String { code }

    /// Every cell of the grid, dimension by dimension.
    public static var grid: [Self] {
        Dimension.allCases.flatMap { d in Level.allCases.map { Self(d, $0) } }
    }
}
