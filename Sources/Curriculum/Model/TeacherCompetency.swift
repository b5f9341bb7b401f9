import QianxueCore

/// The teacher AI-competency framework that professional-development lessons map to: 5 dimensions
/// by 3 levels. A code reads `DIMENSION-LEVEL`, e.g. `PE-DE` (AI pedagogy, deepen).
public struct TeacherCompetency: CompetencyCode {
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
}
