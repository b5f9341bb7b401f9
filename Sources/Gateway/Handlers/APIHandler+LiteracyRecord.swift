import Assessment
import Foundation
import OpenAPIRuntime
import QianxueAPI
import QianxueCore

extension APIHandler {
    /// JSON unless the client asks for HTML: `format=html`, or an Accept that ranks text/html above JSON.
    func getLiteracyRecord(_ input: Operations.GetLiteracyRecord.Input) async throws -> Operations.GetLiteracyRecord.Output {
        let record = try await assessment.literacyRecord(of: try parseUUID(input.path.id, field: "id"), for: RequestScope.caller(),
                                                         requestID: RequestScope.requestID)
        let wantsHTML: Bool
        switch input.query.format {
        case .html: wantsHTML = true
        case .json: wantsHTML = false
        case nil:
            let html = input.headers.accept.filter { $0.contentType == .html }.map(\.quality.doubleValue).max() ?? 0
            let json = input.headers.accept.filter { $0.contentType == .json }.map(\.quality.doubleValue).max() ?? 0
            wantsHTML = html > json
        }
        if wantsHTML {
            return .ok(.init(body: .html(HTTPBody(LiteracyRecordPage.render(record, cutScores: assessment.cutScores)))))
        }
        return .ok(.init(body: .json(.init(record))))
    }
}

extension Components.Schemas.LiteracyRecord {
    init(_ r: LiteracyRecord) {
        self.init(
            studentId: r.studentID.uuidString.lowercased(), name: r.name, grade: r.grade, band: r.band.rawValue, school: r.schoolName,
            generatedAt: r.generatedAt,
            attempts: r.attempts.map { a in
                .init(attemptId: a.id.uuidString.lowercased(), kind: a.kind == .form ? .form : .adaptive, formId: a.form?.id, formTitle: a.form?.title,
                      status: a.status == .inProgress ? .inProgress : .finished, startedAt: a.startedAt, answered: a.answered,
                      result: a.result.map(Components.Schemas.LiteracyResult.init))
            },
            dimensions: Competency.Dimension.allCases.map { d in
                .init(dimension: d.rawValue, points: r.results.map { result in
                    let x = result.profile.result(d)
                    return .init(attemptId: result.attemptID.uuidString.lowercased(), finishedAt: result.finishedAt, theta: x.estimate.theta,
                                 se: x.estimate.se, level: x.level.map(LevelPayload.init), indicative: x.indicative)
                })
            },
            lessons: r.lessons.map { .init(lessonSlug: $0.slug, title: $0.title, competencies: $0.competencies, lastAt: $0.lastAt) })
    }

    typealias LevelPayload = Components.Schemas.LiteracyRecord.DimensionsPayloadPayload.PointsPayloadPayload.LevelPayload
}

extension Components.Schemas.LiteracyRecord.DimensionsPayloadPayload.PointsPayloadPayload.LevelPayload {
    init(_ level: Competency.Level) {
        switch level {
        case .understand: self = .understand
        case .apply: self = .apply
        case .create: self = .create
        }
    }
}
