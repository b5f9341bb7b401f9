import FluentKit
import Foundation
import Inference
import QianxueCore
import Synchronization

/// Where a companion reply's events go (the gateway's frames, or a stream): a chat event sink
/// that is told, before the reply's `done`, whether the student should take a break.
public protocol ReplyEventSink: ChatEventSink {
    func breakReminder(_ due: Bool)
}

/// Stands between the inference path and the reply's sink: passes each event on as it comes (on
/// the thread that produced it) and stores the reply when it ends — whole, stopped by the safety
/// screen, broken off, or cut short because the client left — with its flags, and raises the
/// flags the student's teachers must see; then the student's turn is no longer under way.
///
/// Its `done` is held until the reply is stored (the client's next read finds it), and nothing is
/// stored before the student's message is (`ready`): a reply that ends at once still follows its
/// question in the conversation.
final class StoredTurn: ChatEventSink {
    private struct State {
        var text = ""
        var flags: [SafetyFlag] = []
        var failure: InferenceError?
        var done: ChatDone?
        /// The inference path has finished the answer.
        var ended = false
        /// The student's message is stored; the reminder is known.
        var breakReminder: Bool?
        var storing = false
        var stored = false
        /// The turn could not begin: nothing is stored, nothing more passed on.
        var abandoned = false
    }

    private let service: CompanionService
    private let sessionID: UUID
    private let studentID: UUID
    private let schoolID: UUID
    private let out: any ReplyEventSink
    private let state = Mutex(State())

    init(service: CompanionService, sessionID: UUID, studentID: UUID, schoolID: UUID, out: any ReplyEventSink) {
        self.service = service
        self.sessionID = sessionID
        self.studentID = studentID
        self.schoolID = schoolID
        self.out = out
    }

    func send(_ event: ChatEvent) {
        let passOn = state.withLock { s -> Bool in
            guard !s.abandoned else { return false }
            switch event {
            case .delta(let d): s.text += d
            case .flag(let f): s.flags.append(f)
            case .error(let e): s.failure = e
            case .done(let d):
                s.done = d
                return false                          // after the reply is stored
            }
            return true
        }
        if passOn { out.send(event) } else if case .done = event { storeWhenReady() }
    }

    func finish() {
        let finishNow = state.withLock { s -> Bool in
            s.ended = true
            return s.stored && !s.abandoned
        }
        if finishNow { out.finish() } else { storeWhenReady() }
    }

    /// The student's message is stored: the reply may be stored once it ends.
    func ready(breakReminder: Bool) {
        out.breakReminder(breakReminder)             // before a `done` can go out
        state.withLock { $0.breakReminder = breakReminder }
        storeWhenReady()
    }

    /// The turn did not happen (the inference path refused it, or the student's message could not
    /// be stored): nothing is stored or passed on from here; the sink is finished.
    func abandon() {
        let first = state.withLock { s -> Bool in
            defer { s.abandoned = true }
            return !s.abandoned
        }
        if first { out.finish() }
    }

    private func storeWhenReady() {
        let start = state.withLock { s -> Bool in
            guard !s.abandoned, !s.storing, s.breakReminder != nil, s.done != nil || s.ended else { return false }
            s.storing = true
            return true
        }
        guard start else { return }
        Task {
            let (text, flags, done, failure) = state.withLock { ($0.text, $0.flags, $0.done, $0.failure) }
            await store(text: done?.text ?? text, flags: flags, done: done, failure: failure)
            if let done { out.send(.done(done)) }          // stored before the client hears it is done
            let finishNow = state.withLock { s -> Bool in
                s.stored = true
                return s.ended
            }
            if finishNow { out.finish() }
        }
    }

    private func store(text: String, flags: [SafetyFlag], done: ChatDone?, failure: InferenceError?) async {
        let m = MessageModel()
        m.id = done?.messageID ?? UUID.random()
        m.sessionID = sessionID
        m.role = MessageRecord.Role.companion.rawValue
        m.content = text
        m.aiGenerated = done.map { $0.provider != "safety" } ?? true
        m.provider = done?.provider
        m.model = done?.model
        m.finishReason = done?.finishReason ?? (failure == nil ? "cancelled" : "error")
        m.promptTokens = done?.usage?.promptTokens
        m.completionTokens = done?.usage?.completionTokens
        m.flags = flags.isEmpty ? nil : (try? JSONEncoder().encode(flags)).map { String(decoding: $0, as: UTF8.self) }
        m.createdAt = service.now()
        do {
            try await service.insertMessage(m, on: service.database.sql)
            try await service.raise(flags, student: studentID, school: schoolID, session: sessionID, message: m.id!)
        } catch {
            service.logger.error("a companion reply could not be stored", metadata: ["session": "\(sessionID)", "error": "\(error)"])
        }
        // before `done` reaches the client: its next message is accepted from here on
        service.turnsUnderWay.end(studentID)
    }
}

/// A reply's events as an `AsyncStream` (JSON answers, the service's own callers): the turn hands
/// on the break reminder itself (`Turn.breakReminder`).
extension ContinuationSink: ReplyEventSink {
    public func breakReminder(_ due: Bool) {}
}
