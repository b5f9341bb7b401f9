import Companion
import Foundation
import QianxueCore
import Testing

@Suite struct CompanionPolicyUsageTests {
    let policy = CompanionPolicy.shipped
    /// 2026-03-02 23:30 in Asia/Shanghai (15:30 UTC): half an hour to midnight.
    let lateEvening = Date(timeIntervalSince1970: 1_772_465_400)
    /// 2026-03-02 00:00:00 in Asia/Shanghai: a whole day to the next midnight.
    let midnight = Date(timeIntervalSince1970: 1_772_380_800)

    @Test(arguments: [
        (13, true, 40), (14, false, 40), (15, false, 40), (16, false, 90), (nil, true, 40),
    ] as [(Int?, Bool, Int)])
    func consentAndTheDailyLimitGoByAge(_ age: Int?, _ needsConsent: Bool, _ limit: Int) {
        // given
        let context = PolicyContext(band: .junior, age: age, now: lateEvening, hasGuardianConsent: false)

        // when
        let decision = policy.decide(context)

        // then
        #expect(policy.needsConsent(age: age) == needsConsent)
        #expect(policy.dailyLimit(age: age, school: .none) == limit)
        #expect((decision == .failure(.consentRequired)) == needsConsent)
    }

    @Test func aSpentDayIsRetriedAfterMidnightInShanghai() {
        // given: the limit spent at 23:30 and at 00:00 Beijing time
        let late = PolicyContext(band: .senior, age: 17, now: lateEvening, hasGuardianConsent: true, activeMinutesToday: 90)
        var early = late
        early.now = midnight

        // when
        let lateRefusal = policy.decide(late)
        let earlyRefusal = policy.decide(early)

        // then
        #expect(lateRefusal == .failure(.usageLimitReached(retryAfterSeconds: 1_800, limitMinutes: 90)))
        #expect(earlyRefusal == .failure(.usageLimitReached(retryAfterSeconds: 86_400, limitMinutes: 90)))
        #expect(PolicyRefusal.usageLimitReached(retryAfterSeconds: 1_800, limitMinutes: 90).problem(now: lateEvening).retryAfter == 1_800)
    }

    @Test func theBreakReminderComesAfterTwentyContinuousMinutesOrTheSchoolsEarlierOne() throws {
        // given
        var c = PolicyContext(band: .junior, age: 15, now: lateEvening, hasGuardianConsent: true,
                              activeMinutesToday: 25, continuousMinutes: 19)

        // when / then
        #expect(try !policy.decide(c).get().breakReminder)
        c.continuousMinutes = 20
        #expect(try policy.decide(c).get().breakReminder)
        c.continuousMinutes = 15
        c.school = SchoolCompanionRules(breakReminderMinutes: 15)
        #expect(try policy.decide(c).get().breakReminder)
        c.school = SchoolCompanionRules(breakReminderMinutes: 45)
        c.continuousMinutes = 20
        #expect(try policy.decide(c).get().breakReminder, "a later reminder would loosen the rule")
    }

    @Test func aGrantCountsTheMinutesLeftAgainstTheSchoolsLimit() throws {
        // given
        let c = PolicyContext(band: .junior, age: 15, now: lateEvening, hasGuardianConsent: true,
                              activeMinutesToday: 12, school: SchoolCompanionRules(dailyMinutesUnder16: 30))

        // when
        let grant = try policy.decide(c).get()

        // then
        #expect(grant.minutesLeft == 18)
        #expect(grant.limitMinutes == 30)
        #expect(grant.style == .invitesChecking)
    }

    @Test(arguments: [
        ("2012-03-02", 14), ("2012-03-03", 13), ("2010-03-02", 16), ("2010-03-03", 15),
    ])
    func ageTurnsOnTheBirthdayInShanghai(_ birthDate: String, _ age: Int) {
        // given: 2026-03-02 00:00 Beijing time, still 1 March in UTC
        let now = midnight

        // when / then
        #expect(PolicyContext.age(birthDate: birthDate, at: now) == age)
    }

    @Test func noUsableBirthDateIsNoAge() {
        #expect(PolicyContext.age(birthDate: nil, at: midnight) == nil)
        #expect(PolicyContext.age(birthDate: "2012-02-30", at: midnight) == nil)
        #expect(PolicyContext.age(birthDate: "2030-01-01", at: midnight) == nil)
        #expect(PolicyContext.age(birthDate: "2012-02-29", at: midnight) == 14)
    }

    @Test func refusalsReadInChineseAndEnglishAndMapOntoTheirProblems() {
        // given
        let end = lateEvening.addingTimeInterval(600)

        // when
        let exam = PolicyRefusal.examLocked(until: end)
        let problems = [exam, .consentRequired, .usageLimitReached(retryAfterSeconds: 60, limitMinutes: 40),
                        .companionOff(by: .school)].map { $0.problem(now: lateEvening) }

        // then
        #expect(exam.description.contains("2026-03-02 23:40") && exam.description.contains("Beijing time"))
        #expect(PolicyRefusal.consentRequired.description.contains("14岁"))
        #expect(PolicyRefusal.companionOff(by: .assignment).description.contains("assignment"))
        #expect(PolicyRefusal.companionOff(by: .school).description.contains("学校"))
        #expect(problems.map(\.type.status) == [423, 403, 429, 403])
        #expect(problems.map(\.type) == [.examLocked, .consentRequired, .usageLimitReached, .forbidden])
        #expect(problems[0].retryAfter == 600)
    }
}
