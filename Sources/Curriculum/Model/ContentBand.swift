import QianxueCore

/// A folder of the curriculum: the six student bands of DESIGN.md, plus teacher professional
/// development, which has its own competency framework and no student grades.
public enum ContentBand: String, Sendable, CaseIterable, Hashable, Codable {
    case primaryLower = "primary-lower"
    case primaryUpper = "primary-upper"
    case junior
    case senior
    case vocational
    case higher
    case teacherPD = "teacher-pd"

    public init(_ band: GradeBand) {
        self = ContentBand(rawValue: band.rawValue)!
    }

    /// The student band, or nil for teacher professional development.
    public var gradeBand: GradeBand? { GradeBand(rawValue: rawValue) }

    /// The grades a lesson of this band may name (`T` for teacher development).
    public var grades: [String] {
        switch self {
        case .primaryLower: return ["1", "2", "3"]
        case .primaryUpper: return ["4", "5", "6"]
        case .junior: return ["7", "8", "9"]
        case .senior: return ["10", "11", "12"]
        case .vocational: return ["V1", "V2", "V3"]
        case .higher: return ["H1", "H2", "H3", "H4"]
        case .teacherPD: return ["T"]
        }
    }

    public var title: String {
        switch self {
        case .primaryLower: return "小学低年级"
        case .primaryUpper: return "小学高年级"
        case .junior: return "初中"
        case .senior: return "高中"
        case .vocational: return "中职"
        case .higher: return "高等教育"
        case .teacherPD: return "教师专业发展"
        }
    }

    public var titleEn: String {
        switch self {
        case .primaryLower: return "Primary, grades 1–3"
        case .primaryUpper: return "Primary, grades 4–6"
        case .junior: return "Junior secondary, grades 7–9"
        case .senior: return "Senior secondary, grades 10–12"
        case .vocational: return "Secondary vocational"
        case .higher: return "Higher education"
        case .teacherPD: return "Teacher professional development"
        }
    }

    /// What the band aims at, after the MOE 2025 guidance and Guizhou's plan.
    public var goal: String {
        switch self {
        case .primaryLower: return "感知体验：在游戏、图片和故事中认识身边的人工智能"
        case .primaryUpper: return "理解应用：理解数据、特征和训练，在老师带领下用简单工具解决问题"
        case .junior: return "理解原理、项目应用：理解机器学习、搜索和生成式人工智能的基本原理并动手实践"
        case .senior: return "系统思维、创新探究：设计人工智能系统，开展研究性项目，思考治理与伦理"
        case .vocational: return "产业应用：结合贵州数据标注、数据中心、茶酒供应链和旅游等产业的岗位实践"
        case .higher: return "深入研究：低资源语言技术、数据治理、科学智能与教育大模型评测"
        case .teacherPD: return "教师人工智能素养：以人为本、伦理、基础与应用、教学法、专业发展"
        }
    }

    /// Student bands in teaching order; teacher development last.
    public static var studentBands: [ContentBand] { allCases.filter { $0 != .teacherPD } }
}

/// A lesson's place in the review workflow: draft → reviewed → published.
public enum LessonStatus: String, Sendable, CaseIterable, Codable, Hashable {
    case draft, reviewed, published
}
