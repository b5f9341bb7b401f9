import Assessment
import Assistant
import Foundation
import Inference
import OpenAPIRuntime
import QianxueAPI
import QianxueCore

extension APIHandler {
    func createDraft(_ input: Operations.CreateDraft.Input) async throws -> Operations.CreateDraft.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the draft request as JSON") }
        let new = NewDraft(kind: DraftKind(rawValue: b.kind.rawValue) ?? .lessonPlan, lessonSlug: b.lessonSlug,
                           classID: try b.classId.map { try parseUUID($0, field: "classId") }, instructions: b.instructions,
                           itemCount: b.itemCount, sessionID: try b.sessionId.map { try parseUUID($0, field: "sessionId") },
                           submissionID: try b.submissionId.map { try parseUUID($0, field: "submissionId") })
        let stream = try await assistant.startDraft(new, by: RequestScope.caller())
        if input.headers.accept.contains(where: { $0.contentType == .textEventStream }) {
            let requestID = RequestScope.requestID
            let state = RequestScope.current.state
            let sse = stream.events.map { e -> ServerSentEvent in
                if case .done(let d) = e, let draft = d.draft {
                    // a replayed Idempotency-Key answers the stored draft as JSON
                    state?.finalMessage = try? StreamTranscript.encoder.encode(Components.Schemas.Draft(draft))
                }
                return Self.draftEvent(e, draftID: stream.draftID, requestID: requestID)
            }
            // A quiz is silent while the model writes it and the server checks it: keep-alive comments keep proxies from cutting it.
            let frames = KeepAliveFrames.frames(sse.asEncodedServerSentEvents())
            return .created(.init(body: .textEventStream(HTTPBody(frames, length: .unknown, iterationBehavior: .single))))
        }
        for await e in stream.events {
            switch e {
            case .delta, .flag: continue
            case .error(let message): throw AppError(.inferenceUnavailable, message)
            case .done(let d):
                guard let draft = d.draft else {
                    if d.finishReason == "refused" { throw AppError.validation(d.reason ?? "the request was refused", field: "instructions") }
                    throw AppError(.inferenceUnavailable, d.reason ?? "no draft was written")
                }
                RequestScope.setETag(draft.etag)
                return .created(.init(body: .json(.init(draft))))
            }
        }
        throw AppError(.inferenceUnavailable, "the draft ended without a result")
    }

    func listDrafts(_ input: Operations.ListDrafts.Input) async throws -> Operations.ListDrafts.Output {
        let page = try PageQuery(size: input.query.pageSize, token: input.query.pageToken)
        let result = try await assistant.drafts(for: RequestScope.caller(), kind: input.query.kind.flatMap { DraftKind(rawValue: $0.rawValue) },
                                                state: input.query.state.flatMap { DraftState(rawValue: $0.rawValue) },
                                                lessonSlug: input.query.lessonSlug, page: page)
        return .ok(.init(body: .json(.init(items: result.items.map(Components.Schemas.Draft.init), nextPageToken: result.nextPageToken))))
    }

    func getDraft(_ input: Operations.GetDraft.Input) async throws -> Operations.GetDraft.Output {
        let d = try await assistant.draft(try parseUUID(input.path.id, field: "id"), for: RequestScope.caller())
        RequestScope.setETag(d.etag)
        return .ok(.init(body: .json(.init(d))))
    }

    func editDraft(_ input: Operations.EditDraft.Input) async throws -> Operations.EditDraft.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the changes as JSON") }
        let items = try b.items?.enumerated().map { i, item in try QuizItem(item, at: i) }
        let d = try await assistant.edit(try parseUUID(input.path.id, field: "id"), DraftEdit(content: b.content, items: items, note: b.note),
                                         ifMatch: input.headers.ifMatch, by: RequestScope.caller())
        RequestScope.setETag(d.etag)
        return .ok(.init(body: .json(.init(d))))
    }

    func reviewQuizItem(_ input: Operations.ReviewQuizItem.Input) async throws -> Operations.ReviewQuizItem.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the item's review as JSON") }
        let competency = try b.competency.map { code in
            try Competency(code: code) ?? { throw AppError.validation("competency '\(code)' is not a code such as TA-A", field: "competency") }()
        }
        let change = QuizItemChange(review: b.review.flatMap { QuizItemReview(rawValue: $0.rawValue) }, stem: b.stem,
                                    options: b.options?.map { ItemOption(id: $0.id.rawValue, text: $0.text) }, key: b.key?.rawValue,
                                    keys: b.keys?.map(\.rawValue), rationale: b.rationale, competency: competency, note: b.note)
        let d = try await assistant.reviewItem(try parseUUID(input.path.id, field: "id"), item: input.path.itemId, change,
                                               ifMatch: input.headers.ifMatch, by: RequestScope.caller())
        RequestScope.setETag(d.etag)
        return .ok(.init(body: .json(.init(d))))
    }

    func listDraftVersions(_ input: Operations.ListDraftVersions.Input) async throws -> Operations.ListDraftVersions.Output {
        let page = try PageQuery(size: input.query.pageSize, token: input.query.pageToken)
        let result = try await assistant.versions(of: try parseUUID(input.path.id, field: "id"), for: RequestScope.caller(), page: page)
        return .ok(.init(body: .json(.init(items: result.items.map(Components.Schemas.DraftVersion.init), nextPageToken: result.nextPageToken))))
    }

    func approveDraft(_ input: Operations.ApproveDraft.Input) async throws -> Operations.ApproveDraft.Output {
        let d = try await assistant.approve(try parseUUID(input.path.id, field: "id"), ifMatch: input.headers.ifMatch, by: RequestScope.caller())
        RequestScope.setETag(d.etag)
        return .ok(.init(body: .json(.init(d))))
    }

    func publishDraft(_ input: Operations.PublishDraft.Input) async throws -> Operations.PublishDraft.Output {
        let d = try await assistant.publish(try parseUUID(input.path.id, field: "id"), ifMatch: input.headers.ifMatch, by: RequestScope.caller())
        RequestScope.setETag(d.etag)
        return .ok(.init(body: .json(.init(d))))
    }

    /// A draft's event in the API's stream format; `done` names the stored draft.
    static func draftEvent(_ e: DraftEvent, draftID: UUID, requestID: String) -> ServerSentEvent {
        func json<T: Encodable>(_ value: T) -> String {
            (try? String(decoding: StreamTranscript.encoder.encode(value), as: UTF8.self)) ?? "{}"
        }
        switch e {
        case .delta(let d):
            return ServerSentEvent(event: "delta", data: json(["text": d]))
        case .flag(let f):
            return ServerSentEvent(event: "flag", data: json(Components.Schemas.SafetyFlagEvent(f)))
        case .error(let message):
            let problem = AppError(.inferenceUnavailable, message)
            return ServerSentEvent(event: "error", data: json(["problem": ProblemRenderer.Body(
                type: problem.type.uri, title: problem.type.title, status: problem.type.status, detail: problem.detail,
                instance: nil, requestId: requestID, fields: nil, retryAfter: nil, issues: nil)]))
        case .done(let d):
            return ServerSentEvent(event: "done", data: json(Components.Schemas.ChatDoneEvent(
                messageId: (d.draft?.id ?? draftID).uuidString.lowercased(), usage: d.usage.map(Components.Schemas.TokenUsage.init),
                provider: d.provider, model: d.model, finishReason: d.finishReason,
                draftId: d.draft?.id.uuidString.lowercased(), reason: d.reason)))
        }
    }
}

extension Components.Schemas.Draft {
    init(_ d: DraftRecord) {
        self.init(
            id: d.id.uuidString.lowercased(), kind: .init(rawValue: d.kind.rawValue) ?? .lessonPlan, lessonSlug: d.lessonSlug,
            classId: d.classID?.uuidString.lowercased(), band: .init(rawValue: d.band.rawValue) ?? .junior,
            state: .init(rawValue: d.state.rawValue) ?? .draft, version: d.version, title: d.title, content: d.content,
            items: d.items?.map(Components.Schemas.QuizItem.init), instructions: d.instructions,
            sessionId: d.sessionID?.uuidString.lowercased(), submissionId: d.submissionID?.uuidString.lowercased(), advisory: d.advisory, aiGenerated: d.provider != "teacher",
            provider: d.provider, model: d.model, createdAt: d.createdAt, updatedAt: d.updatedAt,
            approvedBy: d.approvedBy?.uuidString.lowercased(), approvedAt: d.approvedAt, publishedAt: d.publishedAt)
    }
}

extension Components.Schemas.DraftVersion {
    init(_ v: DraftVersionRecord) {
        self.init(version: v.version, state: .init(rawValue: v.state.rawValue) ?? .draft, content: v.content,
                  items: v.items?.map(Components.Schemas.QuizItem.init), author: v.author == .ai ? .ai : .teacher,
                  authorId: v.authorID.uuidString.lowercased(), note: v.note, createdAt: v.createdAt)
    }
}

extension Components.Schemas.QuizItem {
    init(_ q: QuizItem) {
        self.init(id: q.id, _type: q.type == .multiple ? .multiple : .single, stem: q.stem, options: q.options.map(Components.Schemas.QuizOption.init),
                  key: q.type == .single ? q.keys.first.flatMap(Components.Schemas.QuizOptionId.init(rawValue:)) : nil,
                  keys: q.keys.compactMap(Components.Schemas.QuizOptionId.init(rawValue:)), rationale: q.rationale, competency: q.competency.code,
                  bands: q.bands.compactMap { .init(rawValue: $0.rawValue) }, review: .init(rawValue: q.review.rawValue) ?? .pending,
                  approved: q.approved)
    }
}

extension Components.Schemas.QuizOption {
    init(_ o: ItemOption) { self.init(id: Components.Schemas.QuizOptionId(rawValue: o.id) ?? .a, text: o.text) }
}

extension QuizItem {
    /// A teacher's item from the API, its competency code checked.
    init(_ b: Components.Schemas.QuizItem, at index: Int) throws {
        guard let competency = Competency(code: b.competency) else {
            throw AppError.validation("items[\(index)].competency '\(b.competency)' is not a code such as TA-A", field: "items[\(index)].competency")
        }
        guard let keys = b.keys?.map(\.rawValue) ?? b.key.map({ [$0.rawValue] }) else {
            throw AppError.validation("items[\(index)] needs keys (or key for single choice)", field: "items[\(index)].keys")
        }
        if b.key != nil, b.keys != nil, b.keys?.map(\.rawValue) != [b.key!.rawValue] {
            throw AppError.validation("items[\(index)] gives key and keys that differ; send one", field: "items[\(index)].keys")
        }
        if let t = b._type, (t == .multiple) != (keys.count > 1) {
            throw AppError.validation("items[\(index)] is \(t.rawValue) choice with \(keys.count) key\(keys.count == 1 ? "" : "s")", field: "items[\(index)].keys")
        }
        self.init(id: b.id, stem: b.stem, options: b.options.map { ItemOption(id: $0.id.rawValue, text: $0.text) }, key: QuizItem.key(keys),
                  rationale: b.rationale, competency: competency, bands: b.bands.compactMap { GradeBand(rawValue: $0.rawValue) },
                  review: Self.review(b.review.flatMap { QuizItemReview(rawValue: $0.rawValue) }, approved: b.approved))
    }

    /// An item's review as sent: `review`, except that `approved: true` on a pending item (a
    /// client that knows only `approved`) approves it.
    static func review(_ review: QuizItemReview?, approved: Bool?) -> QuizItemReview {
        switch (review, approved) {
        case (nil, true?), (.pending?, true?): return .approved
        case (let r?, _): return r
        case (nil, _): return .pending
        }
    }
}
