import Assessment
import Companion
import Foundation
@testable import Gateway
import Inference
import Persistence
import QianxueCore
import Registry
import Testing
import TestSupport

/// The per-school rollups the regional reports read follow what happens in the services, count
/// each thing once, and come out the same when rebuilt from raw rows.
@Suite struct ReportRollupsTests {
    @Test(arguments: TestDatabase.engines)
    func aWeekOfSchoolKeepsTheRollupsExactAndARebuildFindsTheSameRows(engine: DatabaseEngine) async throws {
        try await RollupWorld.with(engine) { w in
            // given two rostered schools; in 甲, a grade-9 class with its teacher and a student added by hand
            let r = w.platform.registry
            let cls = try await r.createClass(schoolID: w.schoolA, grade: "9", name: "9-1")
            let teacher = w.principal(try await r.createUser(NewUser(username: "t.wang", role: .teacher, schoolID: w.schoolA), actor: nil))
            let s5 = w.principal(try await r.createUser(NewUser(username: "s.five", role: .student, schoolID: w.schoolA, grade: "9",
                                                               birthDate: "2010-05-05"), actor: nil))
            try await r.addMember(classID: cls.id, userID: teacher.userID, role: .teacher)
            try await r.addMember(classID: cls.id, userID: s5.userID, role: .student)
            let (s1, s3, s4) = (try await w.student("s.one"), try await w.student("s.three"), try await w.student("s.four"))
            let assessed = [(s1, band: "junior"), (s3, band: "primary-upper"), (s4, band: "junior"), (s5, band: "junior")]

            // when, on Monday, student 1 sits the adaptive test twice (all right, then all wrong) and two others once
            let first = try #require(try await w.sit(s1, correct: true).result)
            let second = try #require(try await w.sit(s1, correct: false).result)
            try await w.sit(s3, correct: true)
            try await w.sit(s4, correct: false)
            // then student 1 counts once, with the second result
            #expect(RollupWorld.levels(first)["ALL"] != RollupWorld.levels(second)["ALL"])
            var literacy = try await w.literacy()
            #expect(literacy == (try await w.expectedLiteracy(assessed, reader: w.admin)))
            #expect(literacy["\(w.schoolA) junior ALL-\(second.profile.level.rawValue)"] == 1)
            #expect(try await w.levelTotal("\(w.schoolA) junior ALL") == 1)
            #expect(try await w.levelTotal("\(w.schoolA) primary-upper ALL") == 1)
            #expect(try await w.levelTotal("\(w.schoolB) junior ALL") == 1)

            // when student 5 sits the junior pre-test, written answers waiting, and the teacher scores one
            let form = try #require(GatewayFixture.shippedForms.first { $0.band == .junior && $0.purpose == .pre })
            let sat = try #require(try await w.sit(s5, formID: form.id, correct: true).result)
            #expect(sat.pendingTeacherScores > 0)
            let pending = try await w.platform.assessment.writtenResponses(classID: cls.id, pendingOnly: true, for: teacher, requestID: nil)
            let written = try #require(pending.first)
            let rescored = try await w.platform.assessment.score(responseID: written.id, points: 0, by: teacher, requestID: nil)
            #expect(rescored.points == 0)
            // then the rescored result is the one that counts
            let afterScore = try #require(try await w.platform.assessment.literacy(of: s5.userID, for: teacher, requestID: nil).first)
            #expect(RollupWorld.levels(afterScore) != RollupWorld.levels(sat))
            literacy = try await w.literacy()
            #expect(literacy == (try await w.expectedLiteracy(assessed, reader: w.admin)))

            // when student 5 then sits the adaptive test, and the teacher scores the form's written answer again
            try await w.sit(s5, correct: false)
            let beforeLate = try await w.literacy()
            _ = try await w.platform.assessment.score(responseID: written.id, points: written.rubric.maxPoints, by: teacher, requestID: nil)
            // then the form's result changed, but it is no longer the latest, and the rollup stays as it was
            let formNow = try #require(try await w.platform.assessment.literacy(of: s5.userID, for: teacher, requestID: nil)
                .first { $0.attemptID == afterScore.attemptID })
            #expect(RollupWorld.levels(formNow) != RollupWorld.levels(afterScore))
            #expect(try await w.literacy() == beforeLate)
            #expect(beforeLate == (try await w.expectedLiteracy(assessed, reader: w.admin)))
            #expect(try await w.levelTotal("\(w.schoolA) junior ALL") == 2)

            // when the teacher drafts on Monday, on Tuesday student 5 chats at 09:00, 09:02 and 09:20
            // (the second message a medium flag, the third a severe one), and the teacher acknowledges
            // the severe flag at 09:30, twice
            try await w.draft(by: teacher, classID: cls.id)
            let tuesday = RollupWorld.start.addingTimeInterval(86_400)
            w.clock.set(tuesday)
            let session = try await w.platform.companion.openSession(assignmentID: nil, lessonSlug: "jr-ai-and-jobs", by: s5).session
            try await w.say("人工智能是怎么学会认图片的？", in: session.id, by: s5)
            w.clock.set(tuesday.addingTimeInterval(120))
            try await w.say("有人欺负我", in: session.id, by: s5)
            w.clock.set(tuesday.addingTimeInterval(1_200))
            try await w.say("我不想活了", in: session.id, by: s5)
            let flags = try await w.platform.companion.flags(for: teacher, status: .open, page: try PageQuery(size: 10)).items
            #expect(flags.map(\.severity.rawValue).sorted() == ["high", "medium"])
            let severe = try #require(flags.first { $0.severity == .high })
            w.clock.set(tuesday.addingTimeInterval(1_800))
            _ = try await w.platform.companion.acknowledgeFlag(severe.id, by: teacher, requestID: nil)
            w.clock.set(tuesday.addingTimeInterval(2_400))
            _ = try await w.platform.companion.acknowledgeFlag(severe.id, by: teacher, requestID: nil)
            // and the teacher drafts on Wednesday and on the next Monday; an admin's request belongs to no school
            w.clock.set(tuesday.addingTimeInterval(86_400))
            try await w.draft(by: teacher, classID: cls.id)
            w.clock.set(tuesday.addingTimeInterval(6 * 86_400))
            try await w.draft(by: teacher, classID: cls.id)
            try await SQLInferenceLedger(database: w.platform.database).record(LedgerEntry(
                userID: UUID(), schoolID: nil, purpose: "admin", provider: "offline", model: "qianxue-offline", promptTokens: 40,
                completionTokens: 20, firstTokenMilliseconds: nil, durationMilliseconds: 5, outcome: .completed))
            // and a new roster moves student 2 to 乙 and adds a grade-4 student to 甲
            _ = try await r.importOneRoster(folder: try RollupWorld.roster(students: [
                ("S1", "s.one", "08", "ORG_A"), ("S2", "s.two", "08", "ORG_B"), ("S3", "s.three", "05", "ORG_A"), ("S4", "s.four", "08", "ORG_B"),
                ("S6", "s.six", "04", "ORG_A"),
            ]), county: nil, by: nil)

            // then the daily usage is exact: drafts on their days, the chat's session, 12 active
            // minutes, two flags (one severe, acknowledged after 600 s), and the three requests
            // as the ledger counted them, two of them answered offline (the severe one was refused)
            var expected: [String: UsageCounts] = [
                "\(w.schoolA) 2026-10-12": UsageCounts(assistantDrafts: 1),
                "\(w.schoolA) 2026-10-13": UsageCounts(companionSessions: 1, companionMinutes: 12, flags: 2, severeFlags: 1,
                                                        flagsAcknowledged: 1, ackSeconds: 600),
                "\(w.schoolA) 2026-10-14": UsageCounts(assistantDrafts: 1),
                "\(w.schoolA) 2026-10-19": UsageCounts(assistantDrafts: 1),
            ]
            let requests = try await SQLInferenceLedger(database: w.platform.database).usageRows(.schools([w.schoolA]), from: "2000-01-01", to: "2999-12-31")
            #expect(requests.reduce(0) { $0 + $1.usage.requests } == 3)
            for row in requests {
                var c = expected["\(w.schoolA) \(row.day)"] ?? UsageCounts()
                c.inferenceRequests += row.usage.requests
                c.promptTokens += row.usage.promptTokens
                c.completionTokens += row.usage.completionTokens
                expected["\(w.schoolA) \(row.day)"] = c
            }
            let usage = try await w.usage()
            #expect(usage.values.reduce(0) { $0 + $1.offlineRequests } == 2)
            #expect(usage.mapValues { var c = $0; c.offlineRequests = 0; return c } == expected)
            // and the teachers active per week, and the students per school and band after the roster moved one
            let rows = try await w.rollupRows()
            #expect(rows.filter { $0.hasPrefix("teachers ") } == ["teachers \(w.schoolA) 2026-10-12 1", "teachers \(w.schoolA) 2026-10-19 1"])
            #expect(try await w.enrolment() == ["\(w.schoolA) junior": 2, "\(w.schoolA) primary-upper": 2, "\(w.schoolB) junior": 2])

            // when the rollups are rebuilt from raw rows
            let rebuilt = try await ReportRollups.rebuild(platform: w.platform)
            // then they hold exactly the rows the services kept
            #expect(try await w.rollupRows() == rows)
            #expect(rebuilt.map(\.rows).reduce(0, +) == rows.count)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func refusedAndRepeatedWritesChangeNoRollup(engine: DatabaseEngine) async throws {
        try await RollupWorld.with(engine) { w in
            // given a student who finished the adaptive test
            let s1 = try await w.student("s.one")
            let done = try await w.sit(s1, correct: true)
            let before = try await w.rollupRows()
            #expect(before.contains { $0.hasPrefix("literacy \(w.schoolA) 2026-2027-1 junior ALL-") && $0.hasSuffix(" 1") })

            // when the student answers the finished attempt again, and a roster identical to the first is imported
            await #expect(throws: AppError.self) {
                _ = try await w.platform.assessment.answer(done.id, itemID: "HM-U-01", answer: .choice("A"), by: s1)
            }
            let again = try await w.platform.registry.importOneRoster(folder: try RollupWorld.roster(students: [
                ("S1", "s.one", "08", "ORG_A"), ("S2", "s.two", "08", "ORG_A"), ("S3", "s.three", "05", "ORG_A"), ("S4", "s.four", "08", "ORG_B"),
            ]), county: nil, by: nil)

            // then nothing is counted twice
            #expect(again.changedNothing)
            #expect(try await w.rollupRows() == before)
            #expect(try await w.enrolment() == ["\(w.schoolA) junior": 2, "\(w.schoolA) primary-upper": 1, "\(w.schoolB) junior": 1])
        }
    }
}

extension RollupWorld {
    /// A platform admin, who may read any student's results.
    var admin: Principal { Principal(userID: UUID(), username: "root", role: .admin, schoolID: nil, regionCode: nil, tokenID: nil) }

    /// Students counted in a rollup group, over its levels ("school band dimension").
    func levelTotal(_ group: String) async throws -> Int {
        try await literacy().filter { $0.key.hasPrefix(group + "-") }.values.reduce(0, +)
    }
}
