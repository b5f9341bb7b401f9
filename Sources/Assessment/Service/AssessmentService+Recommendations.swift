import Curriculum
import Foundation
import Persistence
import QianxueCore
import Registry

/// A competency cell a student most needs to work on, from their latest result.
public struct LearningNeed: Sendable, Hashable {
    public let competency: Competency
    /// The dimension's estimate; nil when the student has no result yet.
    public let estimate: AbilityEstimate?
    public let indicative: Bool

    /// Why this cell, in the words the student and teacher read.
    public var reason: String {
        let d = Self.dimensionNames[competency.dimension]!, l = Self.levelNames[competency.level]!
        guard let e = estimate else { return "还没有测评结果：先按课程顺序学习「\(d)」的\(l)目标；做一次测评后，推荐会按你的薄弱维度调整。" }
        return String(format: "「%@」是你目前估计最低的维度之一（θ = %.2f，标准误 %.2f，%@水平%@），本课的目标对应 %@。",
                      d, e.theta, e.se, l, indicative ? "，仅供参考" : "", competency.code)
    }

    static let dimensionNames: [Competency.Dimension: String] = [
        .humanCentred: "以人为本的思维", .ethics: "人工智能伦理", .techniques: "人工智能技术与应用", .systemDesign: "人工智能系统设计",
    ]
    static let levelNames: [Competency.Level: String] = [.understand: "理解", .apply: "应用", .create: "创造"]
}

/// One recommended lesson with the need it serves.
public struct LessonRecommendation: Sendable {
    public let lesson: Lesson
    public let need: LearningNeed
}

/// A student's next lessons, and the result they follow from.
public struct LearningPath: Sendable {
    public let studentID: UUID
    public let band: GradeBand
    /// The attempt the needs come from; nil when the student has not finished one.
    public let basedOn: LiteracyResult?
    public let needs: [LearningNeed]
    public let lessons: [LessonRecommendation]
}

extension AssessmentService {
    /// The signed-in student's next lessons: the cells of their lowest estimated levels, at their
    /// band, lessons not yet done, most needed first (at most `limit`).
    public func recommendations(for p: Principal, limit: Int = 5) async throws -> LearningPath {
        try p.require(.student, to: "get a learning path")
        guard (1...20).contains(limit) else { throw AppError.validation("limit is 1…20", field: "limit") }
        guard let student = try await registry.user(p.userID) else { throw AppError.notFound("student \(p.userID)") }
        let band = student.grade?.band ?? .primaryLower
        let latest = try await results(of: [student.id])[student.id]?.first
        let done = Set(try await lessonsDone([student.id])[student.id]?.map(\.slug) ?? [])
        return path(student.id, band: band, latest: latest, done: done, limit: limit)
    }

    /// The cells a result shows the student weakest in: each dimension at its estimated level, the
    /// lowest levels first and, within a level, the lowest ability. Without a result, each dimension
    /// at understand, in the framework's order.
    func needs(from result: LiteracyResult?) -> [LearningNeed] {
        guard let result else {
            return Competency.Dimension.allCases.map { LearningNeed(competency: Competency($0, .understand), estimate: nil, indicative: true) }
        }
        return result.profile.dimensions
            .map { d in LearningNeed(competency: Competency(d.dimension, d.level ?? .understand), estimate: d.estimate, indicative: d.indicative) }
            .sorted { ($0.competency.level, $0.estimate?.theta ?? 0) < ($1.competency.level, $1.estimate?.theta ?? 0) }
    }

    /// Lessons of `band` for the needs in turn, none done and none twice, in the curriculum's order.
    func path(_ student: UUID, band: GradeBand, latest: LiteracyResult?, done: Set<String>, limit: Int) -> LearningPath {
        let needs = needs(from: latest)
        let open = lessons.filter { $0.band == ContentBand(band) && !done.contains($0.slug) }
        var picked: [LessonRecommendation] = [], taken = Set<String>()
        // Round by round, one lesson per need, so that the weakest cell leads but does not take every place.
        var rounds = 0
        while picked.count < limit && rounds < 4 {
            for need in needs where picked.count < limit {
                if let lesson = lessonsServing(need.competency, from: open).first(where: { !taken.contains($0.slug) }) {
                    picked.append(LessonRecommendation(lesson: lesson, need: need))
                    taken.insert(lesson.slug)
                }
            }
            rounds += 1
        }
        return LearningPath(studentID: student, band: band, basedOn: latest, needs: needs, lessons: picked)
    }

    /// Lessons whose objectives name the cell; when the band has none, those of the same dimension at
    /// the nearest level.
    func lessonsServing(_ cell: Competency, from lessons: [Lesson]) -> [Lesson] {
        let exact = lessons.filter { $0.competencies.contains(cell.code) }
        if !exact.isEmpty { return exact }
        let sameDimension = lessons.compactMap { lesson -> (Lesson, Int)? in
            let levels = lesson.competencies.compactMap(Competency.init(code:)).filter { $0.dimension == cell.dimension }
            guard let nearest = levels.map({ abs(Competency.Level.allCases.firstIndex(of: $0.level)! - Competency.Level.allCases.firstIndex(of: cell.level)!) }).min()
            else { return nil }
            return (lesson, nearest)
        }
        return sameDimension.enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }.map(\.element.0)
    }
}
