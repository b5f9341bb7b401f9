import Assessment
import Foundation
import QianxueAPI
import QianxueCore

extension APIHandler {
    func getMyRecommendations(_ input: Operations.GetMyRecommendations.Input) async throws -> Operations.GetMyRecommendations.Output {
        let path = try await assessment.recommendations(for: RequestScope.caller(), limit: input.query.limit ?? 5)
        return .ok(.init(body: .json(.init(
            studentId: path.studentID.uuidString.lowercased(), band: path.band.rawValue,
            basedOnAttemptId: path.basedOn?.attemptID.uuidString.lowercased(), basedOnFinishedAt: path.basedOn?.finishedAt,
            needs: path.needs.map(Components.Schemas.LearningNeed.init),
            items: path.lessons.map { r in
                .init(lessonSlug: r.lesson.slug, title: r.lesson.title, unitSlug: r.lesson.unitSlug, need: .init(r.need), reason: r.need.reason)
            }))))
    }

    func getClassRecommendations(_ input: Operations.GetClassRecommendations.Input) async throws -> Operations.GetClassRecommendations.Output {
        let c = try await assessment.classRecommendations(try parseUUID(input.path.id, field: "id"), for: RequestScope.caller(),
                                                          requestID: RequestScope.requestID)
        return .ok(.init(body: .json(.init(
            classId: c.classID.uuidString.lowercased(), band: c.band.rawValue,
            groups: c.groups.map { g in
                .init(competency: g.competency.code, dimension: g.competency.dimension.rawValue, level: .init(g.competency.level),
                      students: g.members.map { .init(studentId: $0.id.uuidString.lowercased(), name: $0.name, theta: $0.estimate.theta, se: $0.estimate.se) },
                      lessons: g.lessons.map { .init(lessonSlug: $0.lesson.slug, title: $0.lesson.title, notDoneBy: $0.notDoneBy) })
            },
            notAssessed: c.notAssessed.map { .init(studentId: $0.id.uuidString.lowercased(), name: $0.name) }))))
    }
}

extension Components.Schemas.LearningNeed {
    init(_ n: LearningNeed) {
        self.init(competency: n.competency.code, dimension: n.competency.dimension.rawValue, level: .init(n.competency.level),
                  theta: n.estimate?.theta, se: n.estimate?.se, indicative: n.indicative)
    }
}

extension Components.Schemas.LearningNeed.LevelPayload {
    init(_ level: Competency.Level) {
        switch level {
        case .understand: self = .understand
        case .apply: self = .apply
        case .create: self = .create
        }
    }
}

extension Components.Schemas.ClassLearningNeeds.GroupsPayloadPayload.LevelPayload {
    init(_ level: Competency.Level) {
        switch level {
        case .understand: self = .understand
        case .apply: self = .apply
        case .create: self = .create
        }
    }
}
