@testable import Companion
import Foundation
import Gateway
import Persistence
import QianxueCore
import Registry
import SQLKit
import Testing
import TestSupport

/// A turn counts its message on the meter its policy read before the reply started: when another
/// turn of the student counted in between, the meter is read again, so every minute counts once.
@Suite struct CompanionMeterTests {
    /// 2026-03-02 10:00 in Asia/Shanghai (minute 600 of the day).
    static let ten = Date(timeIntervalSince1970: 1_772_416_800)

    @Test(arguments: TestDatabase.engines)
    func aMeterChangedSinceThePolicyReadItIsReadAgainAndCountedOnce(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            // given: a student with no use yet today
            let companion = f.platform.companion
            let database = f.platform.database
            let s = try await f.platform.registry.createUser(NewUser(username: "student.meter", role: .student, schoolID: f.schoolA.id, grade: "8",
                                                                     birthDate: "2012-01-01", password: GatewayFixture.password), actor: nil)
            func count(at instant: Date, read: UsageMeter?) async throws -> UsageMeter {
                try await database.db.transaction { db in
                    try await companion.countMessage(of: s.id, school: f.schoolA.id, at: instant, read: read, on: db as! any SQLDatabase)
                }
            }
            let minutesBefore = try await schoolMinutes(database.sql, school: f.schoolA.id)

            // when: a message at 10:00; then two turns that read the meter before it was counted
            let first = try await count(at: Self.ten, read: nil)
            let second = try await count(at: Self.ten.addingTimeInterval(20 * 60), read: nil)
            let third = try await count(at: Self.ten.addingTimeInterval(21 * 60), read: first)

            // then: each counted on the meter as it stood, and the school's rollup has every minute once
            #expect(first == UsageMeter(activeMinutes: 5, lastMinute: 600, runStartMinute: 600))
            #expect(second == UsageMeter(activeMinutes: 10, lastMinute: 620, runStartMinute: 620))
            #expect(third == UsageMeter(activeMinutes: 11, lastMinute: 621, runStartMinute: 620))
            #expect(try await companion.meter(of: s.id, day: "2026-03-02", on: database.sql) == third)
            #expect(try await schoolMinutes(database.sql, school: f.schoolA.id) - minutesBefore == 11)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aTurnWhoseMeterMovedIsStoredOnceAndCountedOnTheMeterAsItStands(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            // given: a student's open session
            let companion = f.platform.companion
            let database = f.platform.database
            let s = try await f.platform.registry.createUser(NewUser(username: "student.turns", role: .student, schoolID: f.schoolA.id, grade: "8",
                                                                     birthDate: "2012-01-01", password: GatewayFixture.password), actor: nil)
            let p = Principal(userID: s.id, username: s.username, role: .student, schoolID: f.schoolA.id, regionCode: nil, tokenID: nil)
            let session = try await companion.openSession(assignmentID: nil, lessonSlug: "jr-ai-and-jobs", by: p).session.id
            func message(_ text: String, at instant: Date) -> MessageModel {
                let m = MessageModel()
                m.sessionID = session
                m.role = MessageRecord.Role.student.rawValue
                m.content = text
                m.aiGenerated = false
                m.createdAt = instant
                return m
            }
            let a = message("第一个问题", at: Self.ten)
            let b = message("第二个问题", at: Self.ten.addingTimeInterval(20 * 60))

            // when: the first turn stores; the second read the meter before the first was counted
            let first = try await companion.storeStudentTurn(a, student: s.id, school: f.schoolA.id, at: a.createdAt, read: nil)
            let second = try await companion.storeStudentTurn(b, student: s.id, school: f.schoolA.id, at: b.createdAt, read: nil)

            // then: both stored once, one after the other, each counted on the meter as it stood
            #expect(first == UsageMeter(activeMinutes: 5, lastMinute: 600, runStartMinute: 600))
            #expect(second == UsageMeter(activeMinutes: 10, lastMinute: 620, runStartMinute: 620))
            #expect(b.seq == a.seq + 1)
            let stored = try await database.sql.raw("""
                SELECT content FROM companion_messages WHERE session_id = \(bind: session) AND role = 'student' ORDER BY seq
                """).all().map { try $0.decode(column: "content", as: String.self) }
            #expect(stored == ["第一个问题", "第二个问题"])
            let last = try await database.sql.raw("SELECT last_message_at FROM companion_sessions WHERE id = \(bind: session)").first()?
                .decode(column: "last_message_at", as: Date.self)
            #expect(abs((last ?? .distantPast).timeIntervalSince(b.createdAt)) < 0.001)
        }
    }

    private func schoolMinutes(_ sql: any SQLDatabase, school: UUID) async throws -> Int {
        try await sql.raw("SELECT companion_minutes AS n FROM rollup_usage_daily WHERE school_id = \(bind: school) AND day = '2026-03-02'")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }
}
