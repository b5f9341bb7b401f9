import Curriculum
import Foundation
import Persistence
import QianxueCore
import Registry

/// A class grouped by need, for the teacher to differentiate: each group shares its weakest cell.
public struct ClassLearningNeeds: Sendable {
    public struct Member: Sendable {
        public let id: UUID
        public let name: String
        public let estimate: AbilityEstimate
    }

    public struct Group: Sendable {
        /// The cell the group's students are weakest in.
        public let competency: Competency
        public let members: [Member]
        /// Lessons of the class's band for the cell, each with how many of the group have not done it.
        public let lessons: [(lesson: Lesson, notDoneBy: Int)]
    }

    public let classID: UUID
    public let band: GradeBand
    /// The largest groups first, within a level from understand up.
    public let groups: [Group]
    /// Students without a finished attempt.
    public let notAssessed: [(id: UUID, name: String)]
}

extension AssessmentService {
    /// A class's students grouped by their weakest cell, with the lessons that serve each group (its
    /// teachers, school admins; audited like the class summary).
    public func classRecommendations(_ classID: UUID, for p: Principal, requestID: String?, lessonsPerGroup: Int = 3) async throws -> ClassLearningNeeds {
        let cls = try await registry.classTaught(classID, by: p)
        let band = cls.grade.band
        let ids = try await registry.members(ofClasses: [cls.id], role: .student)
        let names = try await registry.displayNames(ids)
        let results = try await results(of: ids)
        let done = try await lessonsDone(ids).mapValues { Set($0.map(\.slug)) }
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "literacy.class.recommendations", targetType: "class",
                                          targetID: cls.id.uuidString, purpose: "differentiation", requestID: requestID))
        var byCell: [Competency: [ClassLearningNeeds.Member]] = [:]
        var notAssessed: [(id: UUID, name: String)] = []
        for id in ids {
            guard let latest = results[id]?.first, let weakest = needs(from: latest).first, let estimate = weakest.estimate else {
                notAssessed.append((id, names[id] ?? ""))
                continue
            }
            byCell[weakest.competency, default: []].append(.init(id: id, name: names[id] ?? "", estimate: estimate))
        }
        let bandLessons = lessons.filter { $0.band == ContentBand(band) }
        let groups = byCell.map { cell, members in
            let lessons = lessonsServing(cell, from: bandLessons).prefix(lessonsPerGroup).map { lesson in
                (lesson: lesson, notDoneBy: members.filter { !(done[$0.id]?.contains(lesson.slug) ?? false) }.count)
            }
            return ClassLearningNeeds.Group(competency: cell, members: members.sorted { $0.estimate.theta < $1.estimate.theta },
                                            lessons: Array(lessons))
        }.sorted { ($0.competency.level, -$0.members.count, $0.competency.code) < ($1.competency.level, -$1.members.count, $1.competency.code) }
        return ClassLearningNeeds(classID: cls.id, band: band, groups: groups, notAssessed: notAssessed.sorted { $0.name < $1.name })
    }
}
