import FluentKit
import Foundation
import Inference

/// Relays a reply's events to the client and stores the reply when it ends — whole, stopped by
/// the safety screen, broken off, or cut short because the client left — with its flags, and
/// raises the flags the student's teachers must see; then the student's turn is no longer under way.
struct StoredTurn: Sendable {
    let service: CompanionService
    let sessionID: UUID
    let studentID: UUID
    let schoolID: UUID

    func relay(_ events: AsyncStream<ChatEvent>) -> AsyncStream<ChatEvent> {
        AsyncStream { out in
            let task = Task {
                var text = ""
                var flags: [SafetyFlag] = []
                var done: ChatDone?
                var failure: InferenceError?
                for await e in events {
                    switch e {
                    case .delta(let d): text += d
                    case .flag(let f): flags.append(f)
                    case .error(let err): failure = err
                    case .done(let d):
                        // stored before the client hears it is done, so that its next read finds it
                        done = d
                        await store(text: d.text, flags: flags, done: d, failure: failure)
                    }
                    out.yield(e)
                }
                if done == nil { await store(text: text, flags: flags, done: nil, failure: failure) }
                out.finish()
            }
            out.onTermination = { _ in task.cancel() }
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
