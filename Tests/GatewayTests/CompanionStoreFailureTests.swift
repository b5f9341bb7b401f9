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

/// The model is asked before the student's message is stored (so that a refusal stores nothing).
/// When that store then fails, the answer already under way must stop at once: read by nobody, it
/// would hold the student's slot and spend tokens. (`send` cancels it; before, only the release of
/// its unread stream did, which this test cannot tell apart on Swift 6.3.)
@Suite struct CompanionStoreFailureTests {
    @Test(arguments: TestDatabase.engines)
    func aMessageThatCannotBeStoredStopsTheModelAndTheStudentCanSendAgain(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            // given: a model whose first answer goes on until it is stopped, and a database that
            // refuses the student's messages
            let model = UntilStoppedProvider()
            let companion = CompanionService(database: f.platform.database, registry: f.platform.registry, curriculum: f.platform.curriculum,
                                             inference: InferenceService(provider: model), audit: f.platform.audit)
            let s = try await f.platform.registry.createUser(NewUser(username: "student.unstored", role: .student, schoolID: f.schoolA.id,
                                                                     grade: "8", birthDate: "2012-01-01", password: GatewayFixture.password), actor: nil)
            let p = Principal(userID: s.id, username: s.username, role: .student, schoolID: f.schoolA.id, regionCode: nil, tokenID: nil)
            let session = try await companion.openSession(assignmentID: nil, lessonSlug: "jr-ai-and-jobs", by: p).session.id
            let sql = f.platform.database.sql
            let postgres = f.platform.database.isPostgres
            if postgres {
                try await sql.raw("""
                    CREATE FUNCTION refuse_student_messages() RETURNS trigger AS $$
                    BEGIN IF NEW.role = 'student' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql
                    """).run()
                try await sql.raw("""
                    CREATE TRIGGER refuse_student_messages BEFORE INSERT ON companion_messages
                    FOR EACH ROW EXECUTE FUNCTION refuse_student_messages()
                    """).run()
            } else {
                try await sql.raw("""
                    CREATE TRIGGER refuse_student_messages BEFORE INSERT ON companion_messages
                    WHEN NEW.role = 'student' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                    """).run()
            }

            // when: the student sends a message that cannot be stored, then (the database taking
            // messages again) another
            var failure: (any Error)?
            do { _ = try await companion.send(session, content: "第一个问题", by: p) } catch { failure = error }
            var stopped = false
            for _ in 0..<300 where !stopped {   // up to 30 s: ops/test's parallel phase can stall a task for many seconds
                try await Task.sleep(for: .milliseconds(100))
                stopped = model.firstAnswerStopped
            }
            try await sql.raw(postgres ? "DROP TRIGGER refuse_student_messages ON companion_messages" : "DROP TRIGGER refuse_student_messages").run()
            var next: CompanionService.Turn?
            for _ in 0..<300 where next == nil {
                do {
                    next = try await companion.send(session, content: "第二个问题", by: p)
                } catch SchedulerError.streamInProgress {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }

            // then: the first send failed, its answer was stopped at once, and the second is
            // answered and stored after nothing of the first
            #expect(failure != nil)
            #expect(stopped, "the answer to a message that was not stored kept running")
            guard let next else { Issue.record("the next message was refused for 2 s: the slot stayed taken"); return }
            for await _ in next.events {}
            let stored = try await sql.raw("""
                SELECT role, content FROM companion_messages WHERE session_id = \(bind: session) AND role <> 'notice' ORDER BY seq
                """).all().map { "\(try $0.decode(column: "role", as: String.self)): \(try $0.decode(column: "content", as: String.self))" }
            #expect(stored == ["student: 第二个问题", "companion: \(UntilStoppedProvider.reply)"])
        }
    }
}

/// A model whose first answer streams one piece and then goes on until its reader stops it; later
/// answers end at once.
private final class UntilStoppedProvider: InferenceProvider {
    static let reply = "先想一想课文里的例子。"
    private let state = Mutex<(calls: Int, stopped: Bool)>((0, false))
    var kind: String { "test" }
    var model: String { "until-stopped" }

    var firstAnswerStopped: Bool { state.withLock { $0.stopped } }

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatChunk, any Error> {
        let first = state.withLock { s -> Bool in
            s.calls += 1
            return s.calls == 1
        }
        return AsyncThrowingStream { c in
            c.yield(.delta(Self.reply))
            guard first else {
                c.yield(.finish("stop"))
                c.finish()
                return
            }
            c.onTermination = { _ in self.state.withLock { $0.stopped = true } }
        }
    }
}
