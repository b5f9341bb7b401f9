import Foundation
import Inference
import OpenAPIRuntime
import QianxueAPI
import QianxueCore

extension APIHandler {
    func inferenceChat(_ input: Operations.InferenceChat.Input) async throws -> Operations.InferenceChat.Output {
        let p = try RequestScope.caller()
        try p.require(.teacher, .schoolAdmin, .admin, to: "use the inference endpoint directly (students talk to the learning companion)")
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the conversation as JSON") }
        let messages = b.messages.map { ChatMessage(ChatMessage.Role(rawValue: $0.role.rawValue) ?? .user, $0.content) }
        let maxTokens = b.maxCompletionTokens ?? 512
        let promptCharacters = messages.reduce(0) { $0 + $1.content.count }
        let ticket = InferenceTicket(user: p.userID, school: p.schoolID, priority: .teacherInteractive,
                                     estimatedTokens: promptCharacters + maxTokens)
        let county = try await registry.county(of: p)?.rawValue
        let job = ChatJob(messages: messages, maxCompletionTokens: maxTokens, temperature: b.temperature, ticket: ticket, county: county)

        let wantsStream = input.headers.accept.contains { $0.contentType == .textEventStream }
        if wantsStream {
            let transcript = StreamTranscript(state: RequestScope.current.state) { text, flags, d, _ in
                try? StreamTranscript.encoder.encode(Components.Schemas.InferenceChatAnswer(
                    messageId: d.messageID.uuidString.lowercased(), text: text, usage: d.usage.map(Components.Schemas.TokenUsage.init),
                    provider: d.provider, model: d.model, finishReason: d.finishReason, flags: flags.map(Components.Schemas.SafetyFlagEvent.init)))
            }
            // The events are written as frames where they happen (the endpoint's chunks on the HTTP
            // client's event loop): straight to the client's connection when the gateway serves
            // the request (GatewayPipeline), else read by the response writer as a body.
            let frames = EventFrameQueue(transcript: transcript, requestID: RequestScope.requestID)
            let answer = try await inference.service.start(job, into: frames)
            return .ok(.init(body: .textEventStream(frames.body(answer: answer))))
        }
        let events = try await inference.service.start(job)
        var text = ""
        var flags: [Components.Schemas.SafetyFlagEvent] = []
        for await e in events {
            switch e {
            case .delta(let d): text += d
            case .flag(let f): flags.append(.init(f))
            case .error(let failure): throw AppError(.inferenceUnavailable, failure.description)
            case .done(let d):
                return .ok(.init(body: .json(.init(
                    messageId: d.messageID.uuidString.lowercased(), text: text, usage: d.usage.map(Components.Schemas.TokenUsage.init),
                    provider: d.provider, model: d.model, finishReason: d.finishReason, flags: flags))))
            }
        }
        throw AppError(.inferenceUnavailable, "the answer ended without a result")
    }

    /// One encoder for the events other than `delta` (compact JSON, sorted keys).
    static let eventEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// One event of the API's stream format, as bytes.
    static func eventFrame(_ e: ChatEvent, requestID: String, breakReminder: Bool? = nil) -> ArraySlice<UInt8> {
        func frame<T: Encodable>(_ name: String, _ value: T) -> ArraySlice<UInt8> {
            EventFrames.frame(name, data: (try? eventEncoder.encode(value)) ?? Data("{}".utf8))
        }
        switch e {
        case .delta(let d):
            return EventFrames.delta(d)
        case .flag(let f):
            return frame("flag", Components.Schemas.SafetyFlagEvent(f))
        case .error(let failure):
            let problem = AppError(.inferenceUnavailable, failure.description)
            return frame("error", ["problem": ProblemRenderer.Body(
                type: problem.type.uri, title: problem.type.title, status: problem.type.status, detail: problem.detail,
                instance: nil, requestId: requestID, fields: nil, retryAfter: nil, issues: nil)])
        case .done(let d):
            return EventFrames.done(d, breakReminder: breakReminder)
        }
    }
}

extension Components.Schemas.SafetyFlagEvent {
    init(_ f: SafetyFlag) {
        self.init(category: .init(rawValue: f.category.rawValue) ?? .injection, severity: .init(rawValue: f.severity.rawValue) ?? .high,
                  ruleId: f.ruleID, message: f.message)
    }
}

extension Components.Schemas.TokenUsage {
    init(_ u: TokenUsage) {
        self.init(promptTokens: u.promptTokens, completionTokens: u.completionTokens, cachedTokens: u.cachedTokens)
    }
}

extension APIHandler {
    func getInferenceStatus(_ input: Operations.GetInferenceStatus.Input) async throws -> Operations.GetInferenceStatus.Output {
        try RequestScope.caller().require(.admin, to: "read the inference status")
        let service = inference.service
        let snapshot = await service.scheduler.snapshot
        return .ok(.init(body: .json(.init(
            provider: inference.endpoint?.baseURL.absoluteString ?? "offline",
            model: inference.endpoint?.model ?? (inference.endpoint == nil ? OfflineProvider.modelName : "(server default)"),
            state: .init(rawValue: inference.state.rawValue) ?? .unavailable,
            breaker: inference.breaker.flatMap { .init(rawValue: $0.state.rawValue) },
            slots: snapshot.slots, inFlight: snapshot.inFlight,
            queued: .init(teacher: snapshot.queued[.teacherInteractive] ?? 0, student: snapshot.queued[.studentInteractive] ?? 0,
                          batch: snapshot.queued[.batch] ?? 0),
            firstTokenP50Ms: service.firstTokens.quantile(0.5), firstTokenP95Ms: service.firstTokens.quantile(0.95),
            firstTokenSamples: service.firstTokens.count))))
    }
}
