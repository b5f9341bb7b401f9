import Assessment
import Foundation
import OpenAPIRuntime
import QianxueAPI
import QianxueCore

extension APIHandler {
    /// xAPI 1.0.3: the version header on the answer, the statements, and `more` as a relative IRL.
    func getXAPIStatements(_ input: Operations.GetXAPIStatements.Input) async throws -> Operations.GetXAPIStatements.Output {
        let limit = input.query.limit ?? 100
        let caller = try RequestScope.caller()
        let page = try await assessment.xapiStatements(since: input.query.since, after: input.query.after, limit: limit, for: caller)
        try await auditStaffAccess("xapi.statements.read", targetType: "school", targetID: caller.role == .admin ? nil : caller.schoolID?.uuidString,
                                   purpose: "learning records export", detail: "statements=\(page.statements.count)")
        var more = ""
        if let cursor = page.more {
            var q = URLComponents()
            q.queryItems = [URLQueryItem(name: "limit", value: String(limit)), URLQueryItem(name: "after", value: cursor)]
                + (input.query.since.map { [URLQueryItem(name: "since", value: ISO8601DateFormatter().string(from: $0))] } ?? [])
            more = "/v1/xapi/statements?" + (q.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        }
        return .ok(.init(headers: .init(xExperienceAPIVersion: "1.0.3", xExperienceAPIConsistentThrough: Date()),
                         body: .json(.init(statements: page.statements.map(Components.Schemas.XAPIStatement.init), more: more))))
    }
}

extension Components.Schemas.XAPIStatement {
    init(_ s: XAPIStatement) {
        let hasResult = s.success != nil || s.completion != nil || s.response != nil || s.score != nil || !s.extensions.isEmpty
        self.init(
            id: s.id.uuidString.lowercased(),
            actor: .init(objectType: .agent, account: .init(homePage: XAPIStatement.homePage, name: s.studentID.uuidString.lowercased())),
            verb: .init(id: s.verb.iri, display: .init(additionalProperties: ["en-US": s.verb.rawValue])),
            object: .init(s.object),
            result: hasResult ? .init(success: s.success, completion: s.completion, response: s.response,
                                      score: s.score.map { .init(raw: $0.raw, min: $0.min, max: $0.max) },
                                      extensions: s.extensions.isEmpty ? nil : .init(additionalProperties: s.extensions)) : nil,
            context: .init(registration: s.registration.uuidString.lowercased(), platform: "Qianxue",
                           contextActivities: s.parent.map { .init(parent: [.init($0)]) }),
            timestamp: Self.milliseconds(s.timestamp), stored: Self.milliseconds(s.stored), version: "1.0.0")
    }
}

extension Components.Schemas.XAPIStatement {
    /// RFC 3339 in UTC with milliseconds (the API's other timestamps are whole seconds).
    static func milliseconds(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}

extension Components.Schemas.XAPIActivity {
    init(_ a: XAPIStatement.Activity) {
        self.init(objectType: .activity, id: a.id,
                  definition: .init(_type: a.type, name: .init(additionalProperties: ["zh-CN": a.name]),
                                    interactionType: a.interactionType.flatMap { .init(rawValue: $0) }))
    }
}

extension APIHandler {
    func exportItemBankQTI(_ input: Operations.ExportItemBankQTI.Input) async throws -> Operations.ExportItemBankQTI.Output {
        let zip = try await assessment.qtiPackage(for: RequestScope.caller(), requestID: RequestScope.requestID)
        return .ok(.init(body: .applicationZip(HTTPBody(zip))))
    }
}
