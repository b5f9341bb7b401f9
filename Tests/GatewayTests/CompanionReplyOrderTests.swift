@testable import Companion
import Foundation
import Gateway
import Inference
import Persistence
import QianxueCore
import Registry
import SQLKit
import Synchronization
import Testing
import TestSupport

/// The student's slot is held until the reply and its ledger entry are stored: a message sent after
/// the model's last token but before the reply is written is refused like one sent while it
/// streams, so it can never take the reply's place in the conversation.
@Suite struct CompanionReplyOrderTests {
    @Test(arguments: TestDatabase.engines)
    func aMessageSentWhileTheReplyIsBeingStoredIsRefusedAndTheConversationStaysInOrder(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            // given: a student's open session, a model that answers at once and a ledger that
            // holds its first write until the test lets it go
            let ledger = HeldLedger(SQLInferenceLedger(database: f.platform.database))
            let inference = InferenceService(provider: AtOnceProvider(), ledger: ledger)
            let companion = CompanionService(database: f.platform.database, registry: f.platform.registry, curriculum: f.platform.curriculum,
                                             inference: inference, audit: f.platform.audit)
            let s = try await f.platform.registry.createUser(NewUser(username: "student.order", role: .student, schoolID: f.schoolA.id, grade: "8",
                                                                     birthDate: "2012-01-01", password: GatewayFixture.password), actor: nil)
            let p = Principal(userID: s.id, username: s.username, role: .student, schoolID: f.schoolA.id, regionCode: nil, tokenID: nil)
            let session = try await companion.openSession(assignmentID: nil, lessonSlug: "jr-ai-and-jobs", by: p).session.id

            // when: the first reply has streamed its last token and is being recorded, the student sends again
            let first = try await companion.send(session, content: "第一个问题", by: p)
            let reading = Task {
                var last: ChatEvent?
                for await e in first.events { last = e }
                return last
            }
            try await ledger.waitUntilHeld()
            var refusal: (any Error)?
            do { _ = try await companion.send(session, content: "第二个问题", by: p) } catch { refusal = error }
            ledger.release()
            let ended = await reading.value

            // then: the second message is refused as while streaming, nothing of it is stored, and the
            // reply follows its question; a message after the reply is stored goes after it
            #expect(refusal as? SchedulerError == .streamInProgress)
            guard case .done = ended else { Issue.record("the first turn ended with \(String(describing: ended))"); return }
            let third = try await companion.send(session, content: "第三个问题", by: p)
            for await _ in third.events {}
            let stored = try await f.platform.database.sql.raw("""
                SELECT role, content FROM companion_messages WHERE session_id = \(bind: session) AND role <> 'notice' ORDER BY seq
                """).all().map { "\(try $0.decode(column: "role", as: String.self)): \(try $0.decode(column: "content", as: String.self))" }
            #expect(stored == ["student: 第一个问题", "companion: \(AtOnceProvider.reply)", "student: 第三个问题", "companion: \(AtOnceProvider.reply)"])
            #expect(try await f.platform.database.sql.raw("SELECT COUNT(*) AS n FROM inference_requests WHERE user_id = \(bind: s.id)")
                .first()?.decode(column: "n", as: Int.self) == 2)
        }
    }
}

/// A model that answers at once with a fixed reply.
private struct AtOnceProvider: InferenceProvider {
    static let reply = "先想一想课文里的例子。"
    var kind: String { "test" }
    var model: String { "at-once" }

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatChunk, any Error> {
        AsyncThrowingStream { c in
            c.yield(.delta(Self.reply))
            c.yield(.usage(TokenUsage(promptTokens: 10, completionTokens: 5)))
            c.yield(.finish("stop"))
            c.finish()
        }
    }
}

/// A ledger whose first write waits until `release()`; the others pass straight through.
private final class HeldLedger: InferenceLedger {
    private let inner: SQLInferenceLedger
    private let held = Mutex<(entered: Bool, gate: CheckedContinuation<Void, Never>?, released: Bool)>((false, nil, false))

    init(_ inner: SQLInferenceLedger) { self.inner = inner }

    func record(_ entry: LedgerEntry) async throws {
        let first = held.withLock { s -> Bool in
            defer { s.entered = true }
            return !s.entered
        }
        if first {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let go = held.withLock { s -> Bool in
                    if s.released { return true }
                    s.gate = c
                    return false
                }
                if go { c.resume() }
            }
        }
        try await inner.record(entry)
    }

    /// Waits (up to 30 s) until the first write has started.
    func waitUntilHeld() async throws {
        for _ in 0..<3_000 {
            if held.withLock({ $0.entered }) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestSetupError("the ledger was never written")
    }

    func release() {
        let gate = held.withLock { s -> CheckedContinuation<Void, Never>? in
            s.released = true
            defer { s.gate = nil }
            return s.gate
        }
        gate?.resume()
    }
}
