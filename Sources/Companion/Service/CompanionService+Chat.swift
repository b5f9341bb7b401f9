import Curriculum
import FluentKit
import Foundation
import Inference
import QianxueCore
import Registry
import SQLKit

extension CompanionService {
    /// A turn under way: the reply's events (stored as they end, whether the client stays or not)
    /// and whether the student should take a break.
    public struct Turn: Sendable {
        public let events: AsyncStream<ChatEvent>
        public let studentMessage: MessageRecord
        public let breakReminder: Bool
    }

    /// A turn whose reply goes to a sink of the caller's (`send(_:content:by:into:)`).
    public struct StartedTurn: Sendable {
        /// The reply: cancelling it stops the model (the client went away); what came is stored.
        public let answer: Task<Void, Never>
        public let studentMessage: MessageRecord
        public let breakReminder: Bool
    }

    /// As `send(_:content:by:into:)`, with the reply's events as a stream.
    public func send(_ sessionID: UUID, content: String, by p: Principal) async throws -> Turn {
        let (events, continuation) = AsyncStream.makeStream(of: ChatEvent.self)
        let turn = try await send(sessionID, content: content, by: p, into: ContinuationSink(continuation: continuation))
        let answer = turn.answer
        continuation.onTermination = { _ in answer.cancel() }
        return Turn(events: events, studentMessage: turn.studentMessage, breakReminder: turn.breakReminder)
    }

    /// Takes the student's message in one of their open sessions and starts the companion's reply,
    /// whose events go to `sink` as they happen (on the thread that produced them: for an
    /// endpoint's answer, the HTTP client's event loop). The age rules are decided again first; the
    /// message is stored and counted before the reply is; the reply's `done` reaches `sink` once
    /// the reply is stored (`StoredTurn`), after `breakReminder`.
    public func send(_ sessionID: UUID, content: String, by p: Principal, into sink: some ReplyEventSink) async throws -> StartedTurn {
        try p.require(.student, to: "talk to the learning companion")
        // What needs nothing but the request is read side by side (on PostgreSQL each on a
        // connection of its own): the session with the student, their classes with everyone in
        // them, the conversation so far, whether an assessment is under way, and the policy's inputs.
        let instant = now()
        async let sessionRead = turnSession(sessionID, student: p.userID)
        async let classmatesRead = registry.classmates(of: p.userID)
        async let historyRead = recentMessages(of: sessionID, limit: 60)
        async let assessmentRead = attemptsInProgress(p.userID)
        async let policyRead = policyInputs(student: p.userID, at: instant)
        let (session, studentRow) = try await sessionRead
        guard let m = session, m.studentID == p.userID else { throw AppError.notFound("session \(sessionID)") }
        guard m.status == SessionRecord.Status.open.rawValue else { throw AppError.conflict("this session is closed; open a new one") }
        let text = try Self.checked(content)
        guard let student = studentRow else { throw AppError.notFound("user \(p.userID)") }
        let inputs = try await policyRead
        let grant = try grant(for: student, inputs: inputs, assignmentMode: m.assignmentMode,
                              assessmentInProgress: try await assessmentRead, at: instant)
        let meterRead = inputs.meter
        let members = try await classmatesRead
        let lesson = try lesson(m.lessonSlug, field: "lessonSlug")
        let history = try await historyRead
        let names = Self.namesToRedact(forStudent: student.id, members: members)
        let county = try await (p.schoolID == m.schoolID ? registry.county(of: p) : registry.county(ofSchool: m.schoolID))?.rawValue
        let band = student.grade?.band ?? .primaryLower
        var job = ChatJob(
            messages: Self.conversation(system: CompanionPrompt.system(lesson: lesson, band: band, grant: grant),
                                        history: history, newest: text),
            maxCompletionTokens: 512, passages: CompanionPrompt.passages(for: text, in: lesson, sections: sectionTerms.sections(of: lesson)),
            names: names,
            forbidden: forbiddenPhrases.phrases(in: lesson, rules: CompanionPrompt.rules(band: band, grant: grant)),
            ticket: InferenceTicket(user: student.id, school: m.schoolID, priority: .studentInteractive,
                                    estimatedTokens: 512 + text.count, exclusive: true),
            purpose: "companion", county: county)
        job.hintLadders = lesson.exercises.map { HintLadder(exercise: $0.id, prompt: $0.prompt, hints: $0.hints) }
        // The inference path refuses first (a reply of this student still streaming or not yet
        // stored, a full queue, a spent budget): then nothing of the turn is stored or counted.
        guard turnsUnderWay.begin(student.id) else { throw SchedulerError.streamInProgress }
        // The turn stays under way until its reply is stored (StoredTurn ends it).
        let stored = StoredTurn(service: self, sessionID: sessionID, studentID: student.id, schoolID: m.schoolID, out: sink)
        let answer: Task<Void, Never>
        do {
            answer = try await inference.start(job, into: stored)
        } catch {
            stored.abandon()
            turnsUnderWay.end(student.id)
            throw error
        }
        let studentMessage = MessageModel()
        let meter: UsageMeter
        do {
            // The meter, the message and the session's last activity together: one commit.
            studentMessage.sessionID = sessionID
            studentMessage.role = MessageRecord.Role.student.rawValue
            studentMessage.content = text
            studentMessage.aiGenerated = false
            studentMessage.createdAt = instant
            meter = try await storeStudentTurn(studentMessage, student: student.id, school: m.schoolID, at: instant, read: meterRead)
        } catch {
            // The model has started: stop it now (read by nobody, it would hold the student's
            // slot and spend tokens); nothing of the reply is stored.
            answer.cancel()
            stored.abandon()
            turnsUnderWay.end(student.id)
            throw error
        }
        let breakReminder = grant.breakReminder || meter.continuousMinutes(at: meter.lastMinute) >= policy.breakReminderMinutes
        stored.ready(breakReminder: breakReminder)
        return StartedTurn(answer: answer, studentMessage: MessageRecord(studentMessage), breakReminder: breakReminder)
    }

    /// What a turn needs of its session, with its assignment's companion mode.
    struct TurnSession: Sendable {
        let studentID: UUID
        let schoolID: UUID
        let status: String
        let lessonSlug: String
        /// nil for free study (no assignment, or one no longer stored).
        let assignmentMode: CompanionMode?
    }

    /// The session with its assignment's mode, and the student, in one query (nil for what is not
    /// stored; the session also when the student is not).
    func turnSession(_ id: UUID, student: UUID) async throws -> (session: TurnSession?, student: UserRecord?) {
        guard let row = try await database.sql.raw("""
            SELECT \(RegistryService.userColumns(alias: "u")), s.student_id, s.school_id AS session_school_id, s.status, s.lesson_slug,
                   a.companion_mode
            FROM \(ident: RegistryService.usersTable) u
            LEFT JOIN \(ident: SessionModel.schema) s ON s.id = \(bind: id)
            LEFT JOIN \(ident: AssignmentModel.schema) a ON a.id = s.assignment_id
            WHERE u.id = \(bind: student)
            """).first() else { return (nil, nil) }
        let user = try RegistryService.user(row: row)
        guard let sessionStudent = try row.decode(column: "student_id", as: UUID?.self) else { return (nil, user) }
        let session = TurnSession(
            studentID: sessionStudent, schoolID: try row.decode(column: "session_school_id", as: UUID.self),
            status: try row.decode(column: "status", as: String.self), lessonSlug: try row.decode(column: "lesson_slug", as: String.self),
            assignmentMode: try row.decode(column: "companion_mode", as: String?.self).map { CompanionMode(rawValue: $0) ?? .guided })
        return (session, user)
    }

    /// One earlier message of a conversation, as the prompt needs it.
    struct PastMessage: Sendable {
        let role: String
        let content: String
    }

    /// A session's last `limit` messages, oldest first (two columns: this runs on every turn).
    func recentMessages(of sessionID: UUID, limit: Int) async throws -> [PastMessage] {
        let rows = try await database.sql.select().column("role").column("content").from(MessageModel.schema)
            .where("session_id", .equal, sessionID).orderBy("seq", .descending).limit(limit).all()
        return try rows.reversed().map { PastMessage(role: try $0.decode(column: "role", as: String.self),
                                                     content: try $0.decode(column: "content", as: String.self)) }
    }

    /// The message, trimmed; refused when empty, too long or carrying control characters.
    static func checked(_ content: String) throws -> String {
        let text = content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw AppError.validation("the message is empty", field: "content") }
        guard text.count <= maxMessageCharacters else {
            throw AppError(.payloadTooLarge, "a message is at most \(maxMessageCharacters) characters; this one has \(text.count)", fields: ["content"])
        }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !"\n\r\t".unicodeScalars.contains($0) }) {
            throw AppError.validation("the message has control characters", field: "content")
        }
        return text
    }

    /// The system prompt, as much recent conversation as fits the budget (older turns dropped with
    /// a note of what the student asked in them), and the newest message.
    static func conversation(system: String, history: [PastMessage], newest: String) -> [ChatMessage] {
        var kept: [ChatMessage] = []
        var budget = contextCharacters - newest.count
        var dropped: [String] = []
        for m in history.reversed() where m.role != MessageRecord.Role.notice.rawValue {
            let role: ChatMessage.Role = m.role == MessageRecord.Role.student.rawValue ? .user : .assistant
            if budget - m.content.count >= 0, dropped.isEmpty {
                budget -= m.content.count
                kept.insert(ChatMessage(role, m.content), at: 0)
            } else if role == .user {
                dropped.insert(String(m.content.prefix(40)), at: 0)
            }
        }
        var messages = [ChatMessage(.system, system)]
        if !dropped.isEmpty {
            messages.append(ChatMessage(.system, "（更早的对话已省略。学生之前问过：" + dropped.suffix(5).joined(separator: "；") + "）"))
        }
        return messages + kept + [ChatMessage(.user, newest)]
    }
}
