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

    /// Takes the student's message in one of their open sessions and starts the companion's reply.
    /// The age rules are decided again first; the message is stored and counted before anything streams.
    public func send(_ sessionID: UUID, content: String, by p: Principal) async throws -> Turn {
        try p.require(.student, to: "talk to the learning companion")
        guard let m = try await SessionModel.find(sessionID, on: database.db), m.studentID == p.userID else {
            throw AppError.notFound("session \(sessionID)")
        }
        guard m.status == SessionRecord.Status.open.rawValue else { throw AppError.conflict("this session is closed; open a new one") }
        let text = try Self.checked(content)
        guard let student = try await registry.user(p.userID) else { throw AppError.notFound("user \(p.userID)") }
        let instant = now()
        let assignment = try await m.assignmentID.asyncFlatMap { try await AssignmentModel.find($0, on: database.db) }.map(AssignmentRecord.init)
        let classes = try await registry.classIDs(of: student.id)
        let grant = try await grant(for: student, classes: classes, assignment: assignment, at: instant).grant
        let lesson = try lesson(m.lessonSlug, field: "lessonSlug")
        let history = try await recentMessages(of: sessionID, limit: 60)
        let names = try await namesToRedact(forStudent: student.id, classes: classes)
        let county = try await (p.schoolID == m.schoolID ? registry.county(of: p) : registry.county(ofSchool: m.schoolID))?.rawValue
        let band = student.grade?.band ?? .primaryLower
        var job = ChatJob(
            messages: Self.conversation(system: CompanionPrompt.system(lesson: lesson, band: band, grant: grant),
                                        history: history, newest: text),
            maxCompletionTokens: 512, passages: CompanionPrompt.passages(for: text, in: lesson), names: names,
            forbidden: CompanionPrompt.forbidden(in: lesson, rules: CompanionPrompt.rules(band: band, grant: grant)),
            ticket: InferenceTicket(user: student.id, school: m.schoolID, priority: .studentInteractive,
                                    estimatedTokens: 512 + text.count, exclusive: true),
            purpose: "companion", county: county)
        job.hintLadders = lesson.exercises.map { HintLadder(exercise: $0.id, prompt: $0.prompt, hints: $0.hints) }
        // The inference path refuses first (a reply already streaming for this student, a full
        // queue, a spent budget): then nothing of the turn is stored or counted.
        let events = try await inference.start(job)

        // The meter, the message and the session's last activity in one transaction: one commit.
        let (meter, studentMessage) = try await database.db.transaction { db in
            let meter = try await self.countMessage(of: student.id, school: m.schoolID, at: instant, on: db)
            let studentMessage = MessageModel()
            studentMessage.sessionID = sessionID
            studentMessage.seq = try await self.nextSeq(in: sessionID, on: db)
            studentMessage.role = MessageRecord.Role.student.rawValue
            studentMessage.content = text
            studentMessage.aiGenerated = false
            studentMessage.createdAt = instant
            try await studentMessage.create(on: db)
            m.lastMessageAt = instant
            try await m.update(on: db)
            return (meter, studentMessage)
        }

        let stored = StoredTurn(service: self, sessionID: sessionID, studentID: student.id, schoolID: m.schoolID)
        return Turn(events: stored.relay(events), studentMessage: MessageRecord(studentMessage),
                    breakReminder: grant.breakReminder || meter.continuousMinutes(at: meter.lastMinute) >= policy.breakReminderMinutes)
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

    /// The next sequence number of a session's messages, taken when a message is stored (a reply
    /// takes its number when it ends, after anything stored meanwhile).
    func nextSeq(in sessionID: UUID, on db: (any Database)? = nil) async throws -> Int {
        (try await MessageModel.query(on: db ?? database.db).filter(\.$sessionID == sessionID).max(\.$seq) ?? 0) + 1
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
