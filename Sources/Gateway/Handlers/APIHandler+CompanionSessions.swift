import Companion
import Foundation
import Inference
import OpenAPIRuntime
import QianxueAPI
import QianxueCore

extension APIHandler {
    func openCompanionSession(_ input: Operations.OpenCompanionSession.Input) async throws -> Operations.OpenCompanionSession.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the session as JSON") }
        let opened = try await companion.openSession(assignmentID: try b.assignmentId.map { try parseUUID($0, field: "assignmentId") },
                                                     lessonSlug: b.lessonSlug, by: RequestScope.caller())
        return .created(.init(body: .json(.init(opened.session, lessonTitle: opened.lessonTitle, notice: opened.notice.content,
                                                guidedActivities: opened.guidedActivities, minutesLeft: opened.minutesLeftToday))))
    }

    func listCompanionSessions(_ input: Operations.ListCompanionSessions.Input) async throws -> Operations.ListCompanionSessions.Output {
        let page = try PageQuery(size: input.query.pageSize, token: input.query.pageToken)
        let result = try await companion.sessions(of: RequestScope.caller(), page: page)
        return .ok(.init(body: .json(.init(items: result.items.map(sessionBody), nextPageToken: result.nextPageToken))))
    }

    func getCompanionSession(_ input: Operations.GetCompanionSession.Input) async throws -> Operations.GetCompanionSession.Output {
        let s = try await companion.session(try parseUUID(input.path.id, field: "id"), for: RequestScope.caller())
        return .ok(.init(body: .json(sessionBody(s))))
    }

    func closeCompanionSession(_ input: Operations.CloseCompanionSession.Input) async throws -> Operations.CloseCompanionSession.Output {
        let s = try await companion.closeSession(try parseUUID(input.path.id, field: "id"), by: RequestScope.caller())
        return .ok(.init(body: .json(sessionBody(s))))
    }

    func listClassCompanionSessions(_ input: Operations.ListClassCompanionSessions.Input) async throws -> Operations.ListClassCompanionSessions.Output {
        let page = try PageQuery(size: input.query.pageSize, token: input.query.pageToken)
        let classID = try parseUUID(input.path.id, field: "id")
        let result = try await companion.classSessions(classID: classID, for: RequestScope.caller(), page: page, requestID: RequestScope.requestID)
        // The class's own members only: a teacher sees the names of the students they may already list.
        let names = Dictionary(try await registry.memberNames(ofClasses: [classID]).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        return .ok(.init(body: .json(.init(items: result.items.map { s in
            var body = sessionBody(s)
            body.studentName = names[s.studentID]
            return body
        }, nextPageToken: result.nextPageToken))))
    }

    func listCompanionMessages(_ input: Operations.ListCompanionMessages.Input) async throws -> Operations.ListCompanionMessages.Output {
        let page = try PageQuery(size: input.query.pageSize, token: input.query.pageToken)
        let s = try await companion.session(try parseUUID(input.path.id, field: "id"), for: RequestScope.caller(), reason: input.query.reason,
                                            requestID: RequestScope.requestID)
        let result = try await companion.messages(of: s, page: page)
        return .ok(.init(body: .json(.init(items: result.items.map { .init($0, breakReminder: nil) }, nextPageToken: result.nextPageToken))))
    }

    func sendCompanionMessage(_ input: Operations.SendCompanionMessage.Input) async throws -> Operations.SendCompanionMessage.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the message as JSON") }
        let sessionID = try parseUUID(input.path.id, field: "id")
        if input.headers.accept.contains(where: { $0.contentType == .textEventStream }) {
            let transcript = StreamTranscript(state: RequestScope.current.state) { text, flags, d, reminder in
                try? StreamTranscript.encoder.encode(Self.companionReply(session: sessionID, text: text, flags: flags, done: d,
                                                                         breakReminder: reminder ?? false))
            }
            // As the inference endpoint's answers: frames written where the events happen.
            let frames = EventFrameQueue(transcript: transcript, requestID: RequestScope.requestID)
            let turn = try await companion.send(sessionID, content: b.content, by: RequestScope.caller(), into: frames)
            return .ok(.init(body: .textEventStream(frames.body(answer: turn.answer))))
        }
        let turn = try await companion.send(sessionID, content: b.content, by: RequestScope.caller())
        var text = ""
        var flags: [SafetyFlag] = []
        for await e in turn.events {
            switch e {
            case .delta(let d): text += d
            case .flag(let f): flags.append(f)
            case .error(let failure): throw AppError(.inferenceUnavailable, failure.description)
            case .done(let d):
                return .ok(.init(body: .json(Self.companionReply(session: sessionID, text: text, flags: flags, done: d, breakReminder: turn.breakReminder))))
            }
        }
        throw AppError(.inferenceUnavailable, "the reply ended without a result")
    }

    func listSafetyFlags(_ input: Operations.ListSafetyFlags.Input) async throws -> Operations.ListSafetyFlags.Output {
        let page = try PageQuery(size: input.query.pageSize, token: input.query.pageToken)
        let status = input.query.status.flatMap { StudentFlagRecord.Status(rawValue: $0.rawValue) }
        let result = try await companion.flags(for: RequestScope.caller(), status: status, page: page)
        let names = try await registry.displayNames(Set(result.items.map(\.studentID)))
        try await auditStaffAccess("safety-flags.list", targetType: "safety-flags", targetID: nil, purpose: "student safety",
                                   detail: "status=\(status?.rawValue ?? "any") flags=\(result.items.count)")
        return .ok(.init(body: .json(.init(items: result.items.map { .init($0, studentName: names[$0.studentID]) },
                                           nextPageToken: result.nextPageToken))))
    }

    func acknowledgeSafetyFlag(_ input: Operations.AcknowledgeSafetyFlag.Input) async throws -> Operations.AcknowledgeSafetyFlag.Output {
        let f = try await companion.acknowledgeFlag(try parseUUID(input.path.id, field: "id"), by: RequestScope.caller(), requestID: RequestScope.requestID)
        return .ok(.init(body: .json(.init(f, studentName: nil))))
    }

    func resolveSafetyFlag(_ input: Operations.ResolveSafetyFlag.Input) async throws -> Operations.ResolveSafetyFlag.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the note as JSON") }
        let f = try await companion.resolveFlag(try parseUUID(input.path.id, field: "id"), note: b.note, by: RequestScope.caller(),
                                                requestID: RequestScope.requestID)
        return .ok(.init(body: .json(.init(f, studentName: nil))))
    }

    static func companionReply(session: UUID, text: String, flags: [SafetyFlag], done d: ChatDone, breakReminder: Bool) -> Components.Schemas.CompanionMessage {
        .init(id: d.messageID.uuidString.lowercased(), sessionId: session.uuidString.lowercased(), role: .companion, content: text,
              aiGenerated: d.provider != "safety", provider: d.provider, model: d.model, finishReason: d.finishReason,
              usage: d.usage.map(Components.Schemas.TokenUsage.init), breakReminder: breakReminder,
              flags: flags.map(Components.Schemas.SafetyFlagEvent.init), createdAt: Date())
    }

    private func sessionBody(_ s: SessionRecord) -> Components.Schemas.CompanionSession {
        .init(s, lessonTitle: companion.lessonTitle(s.lessonSlug), notice: CompanionService.teacherCanReadNotice, guidedActivities: [], minutesLeft: nil)
    }
}

extension Components.Schemas.CompanionSession {
    init(_ s: SessionRecord, lessonTitle: String, notice: String, guidedActivities: [String], minutesLeft: Int?) {
        self.init(id: s.id.uuidString.lowercased(), studentId: s.studentID.uuidString.lowercased(), assignmentId: s.assignmentID?.uuidString.lowercased(),
                  lessonSlug: s.lessonSlug, lessonTitle: lessonTitle, mode: s.mode == .open ? .open : .guided, modeReason: s.modeReason,
                  status: s.status == .open ? .open : .closed, createdAt: s.createdAt, closedAt: s.closedAt, lastMessageAt: s.lastMessageAt,
                  notice: notice, guidedActivities: guidedActivities, minutesLeftToday: minutesLeft)
    }
}

extension Components.Schemas.CompanionMessage {
    init(_ m: MessageRecord, breakReminder: Bool?) {
        self.init(id: m.id.uuidString.lowercased(), sessionId: m.sessionID.uuidString.lowercased(), role: .init(rawValue: m.role.rawValue) ?? .notice,
                  content: m.content, aiGenerated: m.aiGenerated, provider: m.provider, model: m.model, finishReason: m.finishReason,
                  usage: m.usage.map(Components.Schemas.TokenUsage.init), breakReminder: breakReminder,
                  flags: m.flags.map(Components.Schemas.SafetyFlagEvent.init), createdAt: m.createdAt)
    }
}

extension Components.Schemas.SafetyFlagRecord {
    init(_ f: StudentFlagRecord, studentName: String?) {
        self.init(id: f.id.uuidString.lowercased(), studentId: f.studentID.uuidString.lowercased(), studentName: studentName,
                  schoolId: f.schoolID.uuidString.lowercased(), sessionId: f.sessionID?.uuidString.lowercased(),
                  messageId: f.messageID?.uuidString.lowercased(), category: .init(rawValue: f.category.rawValue) ?? .selfHarm,
                  severity: .init(rawValue: f.severity.rawValue) ?? .high, ruleId: f.ruleID, status: .init(rawValue: f.status.rawValue) ?? .open,
                  escalated: f.escalated, createdAt: f.createdAt, acknowledgedAt: f.acknowledgedAt, acknowledgedBy: f.acknowledgedBy?.uuidString.lowercased(),
                  secondsToAcknowledge: f.secondsToAcknowledge, resolvedAt: f.resolvedAt, resolvedBy: f.resolvedBy?.uuidString.lowercased(),
                  resolutionNote: f.resolutionNote)
    }
}

extension SchoolCompanionRules {
    init(_ b: Components.Schemas.SchoolCompanionRules) {
        var alone: [GradeBand: Bool] = [:]
        if let j = b.openChatAloneJunior { alone[.junior] = j }
        if let s = b.openChatAloneSenior { alone[.senior] = s }
        self.init(companionEnabled: b.companionEnabled, openChatAlone: alone.isEmpty ? nil : alone, dailyMinutesUnder16: b.dailyMinutesUnder16,
                  dailyMinutesFrom16: b.dailyMinutesFrom16, breakReminderMinutes: b.breakReminderMinutes)
    }
}

extension Components.Schemas.SchoolCompanionRules {
    init(_ r: SchoolCompanionRules) {
        self.init(companionEnabled: r.companionEnabled, openChatAloneJunior: r.openChatAlone?[.junior], openChatAloneSenior: r.openChatAlone?[.senior],
                  dailyMinutesUnder16: r.dailyMinutesUnder16, dailyMinutesFrom16: r.dailyMinutesFrom16, breakReminderMinutes: r.breakReminderMinutes)
    }
}
