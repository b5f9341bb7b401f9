import Assessment
import Foundation
import QianxueAPI
import QianxueCore

extension APIHandler {
    func startAssessmentAttempt(_ input: Operations.StartAssessmentAttempt.Input) async throws -> Operations.StartAssessmentAttempt.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the request as JSON") }
        let (view, created) = try await assessment.start(kind: b.kind == .form ? .form : .adaptive, formID: b.formId, by: RequestScope.caller())
        return created ? .created(.init(body: .json(.init(view)))) : .ok(.init(body: .json(.init(view))))
    }

    func getAssessmentAttempt(_ input: Operations.GetAssessmentAttempt.Input) async throws -> Operations.GetAssessmentAttempt.Output {
        .ok(.init(body: .json(.init(try await assessment.attempt(try parseUUID(input.path.id, field: "id"), by: RequestScope.caller())))))
    }

    func answerAssessmentItem(_ input: Operations.AnswerAssessmentItem.Input) async throws -> Operations.AnswerAssessmentItem.Output {
        let caller = try RequestScope.caller()
        let id = try parseUUID(input.path.id, field: "id")
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the answer as JSON") }
        let given = [b.choice.map { ItemAnswer.choice($0) }, b.choices.map { ItemAnswer.choices(Set($0)) }, b.order.map { ItemAnswer.order($0) },
                     b.text.map { ItemAnswer.text($0) }].compactMap { $0 }
        guard given.count == 1, let answer = given.first else {
            // Only the attempt's student hears what is wrong with an answer: to anyone else it does not exist (404).
            _ = try await assessment.attempt(id, by: caller)
            throw AppError.validation("give exactly one of choice, choices, order or text", field: "answer")
        }
        let view = try await assessment.answer(id, itemID: b.itemId, answer: answer, by: caller)
        return .ok(.init(body: .json(.init(view))))
    }

    func getStudentLiteracy(_ input: Operations.GetStudentLiteracy.Input) async throws -> Operations.GetStudentLiteracy.Output {
        let id = try parseUUID(input.path.id, field: "id")
        let results = try await assessment.literacy(of: id, for: RequestScope.caller(), requestID: RequestScope.requestID)
        return .ok(.init(body: .json(.init(studentId: id.uuidString.lowercased(), items: results.map(Components.Schemas.LiteracyResult.init)))))
    }

    func getClassLiteracy(_ input: Operations.GetClassLiteracy.Input) async throws -> Operations.GetClassLiteracy.Output {
        let s = try await assessment.classLiteracy(try parseUUID(input.path.id, field: "id"), for: RequestScope.caller(), requestID: RequestScope.requestID)
        return .ok(.init(body: .json(.init(
            classId: s.classID.uuidString.lowercased(), enrolled: s.enrolled, assessed: s.assessed,
            students: s.students.map { .init(studentId: $0.id.uuidString.lowercased(), name: $0.name, latest: $0.latest.map(Components.Schemas.LiteracyResult.init)) },
            levels: s.levels.map { .init(dimension: $0.dimension.rawValue, understand: $0.counts[.understand] ?? 0, apply: $0.counts[.apply] ?? 0,
                                         create: $0.counts[.create] ?? 0) }))))
    }

    func openAssessmentWindow(_ input: Operations.OpenAssessmentWindow.Input) async throws -> Operations.OpenAssessmentWindow.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the window as JSON") }
        let w = try await assessment.openWindow(classID: try parseUUID(input.path.id, field: "id"), kind: b.kind == .form ? .form : .adaptive, formID: b.formId,
                                                from: b.from, until: b.until, by: RequestScope.caller())
        return .created(.init(body: .json(.init(w))))
    }

    func listAssessmentForms(_ input: Operations.ListAssessmentForms.Input) async throws -> Operations.ListAssessmentForms.Output {
        _ = try RequestScope.caller()
        let forms = try assessment.forms(band: input.query.band.flatMap { GradeBand(rawValue: $0.rawValue) }, term: input.query.term)
        return .ok(.init(body: .json(.init(items: forms.map { f in
            .init(id: f.id, title: f.title, term: f.term, band: f.band.rawValue, purpose: f.purpose == .pre ? .pre : .post, items: f.itemCount,
                  teacherScored: f.teacherScored, dimensions: f.itemsPerDimension.map { .init(dimension: $0.0.rawValue, items: $0.1) })
        }))))
    }

    func listAssessmentWindows(_ input: Operations.ListAssessmentWindows.Input) async throws -> Operations.ListAssessmentWindows.Output {
        let items = try await assessment.windows(classID: try parseUUID(input.path.id, field: "id"), for: RequestScope.caller())
        return .ok(.init(body: .json(.init(items: items.map(Components.Schemas.AssessmentWindow.init)))))
    }
}

extension Components.Schemas.AssessmentAttempt {
    init(_ v: AttemptView) {
        self.init(id: v.id.uuidString.lowercased(), kind: v.kind == .form ? .form : .adaptive, formId: v.formID, status: v.status == .inProgress ? .inProgress : .finished,
                  answered: v.answered, maxItems: v.maxItems, startedAt: v.startedAt,
                  item: v.item.map { i in
                      .init(id: i.id, _type: .init(rawValue: i.type.rawValue) ?? .single, stem: i.stem, dimension: i.competency.dimension.rawValue,
                            options: i.options.map { .init(id: $0.id, text: $0.text) }, maxPoints: i.maxPoints)
                  },
                  result: v.result.map(Components.Schemas.LiteracyResult.init))
    }
}

extension Components.Schemas.LiteracyResult {
    init(_ r: LiteracyResult) {
        self.init(attemptId: r.attemptID.uuidString.lowercased(), kind: r.kind == .form ? .form : .adaptive, formId: r.formID, finishedAt: r.finishedAt, theta: r.profile.overall.theta,
                  se: r.profile.overall.se, items: r.profile.itemCount, pendingTeacherScores: r.pendingTeacherScores,
                  dimensions: r.profile.dimensions.map { d in
                      .init(dimension: d.dimension.rawValue, theta: d.estimate.theta, se: d.estimate.se,
                            level: .init(d.level ?? .understand), indicative: d.indicative, items: d.itemCount)
                  })
    }
}

extension Components.Schemas.AssessmentWindow {
    init(_ w: AssessmentWindowRecord) {
        self.init(id: w.id.uuidString.lowercased(), classId: w.classID.uuidString.lowercased(), kind: w.kind == .form ? .form : .adaptive, formId: w.formID, from: w.from, until: w.until,
                  enrolled: w.enrolled, finished: w.finished, participation: w.participation)
    }
}

extension Components.Schemas.DimensionResult.LevelPayload {
    init(_ level: Competency.Level) {
        switch level {
        case .understand: self = .understand
        case .apply: self = .apply
        case .create: self = .create
        }
    }
}

extension APIHandler {
    func listWrittenResponses(_ input: Operations.ListWrittenResponses.Input) async throws -> Operations.ListWrittenResponses.Output {
        let items = try await assessment.writtenResponses(classID: try parseUUID(input.path.id, field: "id"), pendingOnly: input.query.status != .all,
                                                          for: RequestScope.caller(), requestID: RequestScope.requestID)
        return .ok(.init(body: .json(.init(items: items.map(Components.Schemas.WrittenResponse.init)))))
    }

    func scoreWrittenResponse(_ input: Operations.ScoreWrittenResponse.Input) async throws -> Operations.ScoreWrittenResponse.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the score as JSON") }
        let w = try await assessment.score(responseID: try parseUUID(input.path.id, field: "id"), points: b.points,
                                           by: RequestScope.caller(), requestID: RequestScope.requestID)
        return .ok(.init(body: .json(.init(w))))
    }

    /// The teacher's AI assistant reads the answer (audited) and suggests a score: advisory, never stored as one.
    func suggestWrittenResponseScore(_ input: Operations.SuggestWrittenResponseScore.Input) async throws -> Operations.SuggestWrittenResponseScore.Output {
        let p = try RequestScope.caller()
        let w = try await assessment.writtenResponse(try parseUUID(input.path.id, field: "id"), for: p, purpose: "AI score suggestion",
                                                     requestID: RequestScope.requestID)
        let s = try await assistant.suggestScore(for: w, by: p, requestID: RequestScope.requestID)
        return .ok(.init(body: .json(.init(responseId: s.responseID.uuidString.lowercased(), suggestedPoints: s.points, maxPoints: s.maxPoints,
                                           rationale: s.rationale, advisory: true, provider: s.provider, model: s.model))))
    }
}

extension Components.Schemas.WrittenResponse {
    init(_ w: WrittenResponse) {
        self.init(id: w.id.uuidString.lowercased(), attemptId: w.attemptID.uuidString.lowercased(), studentId: w.studentID.uuidString.lowercased(),
                  studentName: w.studentName, itemId: w.item.id, dimension: w.item.competency.dimension.rawValue, stem: w.item.stem, text: w.text,
                  answeredAt: w.answeredAt, points: w.points, scoredBy: w.scoredBy?.uuidString.lowercased(), scoredAt: w.scoredAt,
                  rubric: .init(maxPoints: w.rubric.maxPoints, correctAt: w.rubric.correctAt, exemplar: w.rubric.exemplar,
                                levels: w.rubric.levels.map { .init(points: $0.points, descriptor: $0.descriptor) }))
    }
}
