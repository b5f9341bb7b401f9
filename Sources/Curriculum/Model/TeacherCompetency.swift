/// The teacher AI-competency framework that professional-development lessons map to: 5 dimensions
/// by 3 levels. A code reads `DIMENSION-LEVEL`, e.g. `PE-DE` (AI pedagogy, deepen).
public struct TeacherCompetency: Sendable, Hashable, CustomStringConvertible {
    public enum Dimension: String, Sendable, CaseIterable {
        case humanCentred = "HM"   // 以人为本的思维
        case ethics = "ET"         // 人工智能伦理
        case foundations = "FA"    // 人工智能基础与应用
        case pedagogy = "PE"       // 人工智能教学法
        case professional = "PR"   // 人工智能促进专业发展
    }

    public enum Level: String, Sendable, CaseIterable {
        case acquire = "AQ"        // 获取
        case deepen = "DE"         // 深化
        case create = "CR"         // 创造
    }

    public let dimension: Dimension
    public let level: Level

    public init(_ dimension: Dimension, _ level: Level) {
        self.dimension = dimension
        self.level = level
    }

    public init?(code: String) {
        let parts = code.split(separator: "-")
        guard parts.count == 2, let d = Dimension(rawValue: String(parts[0])), let l = Level(rawValue: String(parts[1])) else {
            return nil
        }
        self.init(d, l)
    }

    public var code: String { "\(dimension.rawValue)-\(level.rawValue)" }
    public var description: String { code }

    /// All fifteen cells, dimension by dimension.
    public static var grid: [TeacherCompetency] {
        Dimension.allCases.flatMap { d in Level.allCases.map { TeacherCompetency(d, $0) } }
    }
}
