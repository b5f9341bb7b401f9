@testable import Companion
import Foundation
import Gateway
import Inference
import QianxueCore
import Registry
import Synchronization
import Testing
import TestSupport

/// A companion reply handed to a sink as it happens (the gateway's frames, issue 5): the sink hears
/// whether the student should take a break before the reply's `done`, and `done` only once the
/// reply is stored and the student's next message would be taken (the turn ends after the reply's
/// insert). A turn that cannot be stored is CompanionStoreFailureTests'.
@Suite struct CompanionReplySinkTests {
    @Test(arguments: TestDatabase.engines)
    func doneFollowsTheStoredReplyAndTheBreakReminder(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            // given: a school that reminds after 5 minutes, a clock the test moves, a student's session
            let clock = Mutex(Date(timeIntervalSince1970: 1_796_000_000))      // 2026-11-30, a school morning
            let companion = CompanionService(database: f.platform.database, registry: f.platform.registry, curriculum: f.platform.curriculum,
                                             inference: f.platform.inference.service, audit: f.platform.audit, now: { clock.withLock { $0 } })
            let admin = Principal(userID: f.schoolAdminA.id, username: f.schoolAdminA.username, role: .schoolAdmin, schoolID: f.schoolA.id,
                                  regionCode: nil, tokenID: nil)
            _ = try await companion.setSchoolRules(f.schoolA.id, SchoolCompanionRules(breakReminderMinutes: 5), by: admin)
            let s = try await f.platform.registry.createUser(NewUser(username: "student.sink", role: .student, schoolID: f.schoolA.id, grade: "8",
                                                                     birthDate: "2012-01-01", password: GatewayFixture.password), actor: nil)
            let p = Principal(userID: s.id, username: s.username, role: .student, schoolID: f.schoolA.id, regionCode: nil, tokenID: nil)
            let session = try await companion.openSession(assignmentID: nil, lessonSlug: "jr-ai-and-jobs", by: p).session.id

            // when: the student asks, and five minutes later asks again
            let first = RecordingSink(turns: companion.turnsUnderWay, student: s.id)
            let firstTurn = try await companion.send(session, content: "人工智能会不会让很多工作消失？", by: p, into: first)
            let firstLog = await first.finished()
            clock.withLock { $0 += 300 }
            let second = RecordingSink(turns: companion.turnsUnderWay, student: s.id)
            let secondTurn = try await companion.send(session, content: "课文里举了哪些例子？", by: p, into: second)
            let secondLog = await second.finished()

            // then: each sink heard the reminder, then deltas, then `done` — after the reply was stored
            #expect(!firstTurn.breakReminder && secondTurn.breakReminder)
            #expect(firstLog.last == "done(stored: true)" && secondLog.last == "done(stored: true)", "\(firstLog) \(secondLog)")
            #expect(heard("reminder(false)", before: "done(stored: true)", in: firstLog), "\(firstLog)")
            #expect(heard("reminder(true)", before: "done(stored: true)", in: secondLog), "\(secondLog)")
            #expect(secondLog.contains("delta"))
            let stored = try await companion.messages(of: try await companion.session(session, for: p),
                                                      page: PageQuery(size: 10, token: nil)).items
            #expect(stored.map(\.role) == [.notice, .student, .companion, .student, .companion])
        }
    }
}

private func heard(_ first: String, before second: String, in log: [String]) -> Bool {
    guard let i = log.firstIndex(of: first), let j = log.firstIndex(of: second) else { return false }
    return i < j
}

/// Records what a reply's sink hears, and at `done` whether the student's turn was already over
/// (the reply stored): `begin` succeeds only then, and is given back at once.
private final class RecordingSink: ReplyEventSink {
    private let log = Mutex<[String]>([])
    private let waiter = Mutex<(ended: Bool, c: CheckedContinuation<Void, Never>?)>((false, nil))
    private let turns: TurnsUnderWay
    private let student: UUID

    init(turns: TurnsUnderWay, student: UUID) {
        self.turns = turns
        self.student = student
    }

    func send(_ event: ChatEvent) {
        switch event {
        case .delta: log.withLock { if $0.last != "delta" { $0.append("delta") } }
        case .flag(let f): log.withLock { $0.append("flag(\(f.ruleID))") }
        case .error(let e): log.withLock { $0.append("error(\(e))") }
        case .done:
            let over = turns.begin(student)
            if over { turns.end(student) }
            log.withLock { $0.append("done(stored: \(over))") }
        }
    }

    func breakReminder(_ due: Bool) { log.withLock { $0.append("reminder(\(due))") } }

    func finish() {
        waiter.withLock { w -> CheckedContinuation<Void, Never>? in
            w.ended = true
            defer { w.c = nil }
            return w.c
        }?.resume()
    }

    /// What it heard, once the reply's sink was finished.
    func finished() async -> [String] {
        await withCheckedContinuation { c in
            let now = waiter.withLock { w -> Bool in
                if w.ended { return true }
                w.c = c
                return false
            }
            if now { c.resume() }
        }
        return log.withLock { $0 }
    }
}
