import Companion
import Foundation
import QianxueCore
import Testing

/// One row of the decision table: a context and what the policy must answer.
struct PolicyCase: Sendable, CustomTestStringConvertible {
    enum Outcome: Sendable, Equatable {
        case refused(PolicyRefusal)
        case granted(CompanionMode, hintsOnly: Bool, guidedBy: PolicyGrant.GuidedBy?)
    }

    let name: String
    let context: PolicyContext
    let expected: Outcome
    var testDescription: String { name }

    /// 2026-03-02 10:00 in Asia/Shanghai: 14 hours to midnight.
    static let now = Date(timeIntervalSince1970: 1_772_416_800)
    static let untilMidnight = 14 * 3_600
    static let examEnd = now.addingTimeInterval(3_600)
    static let assessmentEnd = now.addingTimeInterval(7_200)
    static let classModeEnd = now.addingTimeInterval(1_800)

    /// A 15-year-old junior student with consent, nothing used yet, free study; `edit` changes it.
    static func given(_ name: String, _ band: GradeBand = .junior, _ expected: Outcome,
                      _ edit: (inout PolicyContext) -> Void = { _ in }) -> PolicyCase {
        var c = PolicyContext(band: band, age: 15, now: now, hasGuardianConsent: true)
        edit(&c)
        return PolicyCase(name: name, context: c, expected: expected)
    }

    static let open = Outcome.granted(.open, hintsOnly: false, guidedBy: nil)
    static func guided(by cause: PolicyGrant.GuidedBy, hints: Bool = false) -> Outcome {
        .granted(.guided, hintsOnly: hints, guidedBy: cause)
    }
    static func spent(_ limit: Int) -> Outcome {
        .refused(.usageLimitReached(retryAfterSeconds: untilMidnight, limitMinutes: limit))
    }

    static let table: [PolicyCase] = [
        // each rule alone
        given("nothing applies: a junior student chats openly", .junior, open),
        given("an exam window locks the companion until its end", .junior, .refused(.examLocked(until: examEnd))) { $0.examLockedUntil = examEnd },
        given("an exam window that has ended locks nothing", .junior, open) { $0.examLockedUntil = now.addingTimeInterval(-60) },
        given("an assessment in progress with no known end locks", .junior, .refused(.examLocked(until: nil))) { $0.assessmentInProgress = true },
        given("an assessment in progress locks until its end", .senior, .refused(.examLocked(until: assessmentEnd))) {
            $0.assessmentInProgress = true; $0.assessmentLockedUntil = assessmentEnd
        },
        given("exam and assessment: the later end", .junior, .refused(.examLocked(until: assessmentEnd))) {
            $0.examLockedUntil = examEnd; $0.assessmentInProgress = true; $0.assessmentLockedUntil = assessmentEnd
        },
        given("exam and an assessment of unknown end: no end given", .junior, .refused(.examLocked(until: nil))) {
            $0.examLockedUntil = examEnd; $0.assessmentInProgress = true
        },
        given("exam mode locks higher education too", .higher, .refused(.examLocked(until: examEnd))) { $0.examLockedUntil = examEnd; $0.age = 19 },
        given("13 without consent is refused", .junior, .refused(.consentRequired)) { $0.age = 13; $0.hasGuardianConsent = false },
        given("14 without consent may chat", .junior, open) { $0.age = 14; $0.hasGuardianConsent = false },
        given("no birth date without consent counts as under 14", .senior, .refused(.consentRequired)) { $0.age = nil; $0.hasGuardianConsent = false },
        given("consent applies by age in higher education too", .higher, .refused(.consentRequired)) { $0.age = 13; $0.hasGuardianConsent = false },
        given("15 with 39 minutes used may chat", .junior, open) { $0.activeMinutesToday = 39 },
        given("15 with 40 minutes used has spent the day", .junior, spent(40)) { $0.activeMinutesToday = 40 },
        given("16 with 40 minutes used may chat", .senior, open) { $0.age = 16; $0.activeMinutesToday = 40 },
        given("16 with 90 minutes used has spent the day", .senior, spent(90)) { $0.age = 16; $0.activeMinutesToday = 90 },
        given("no birth date counts as under 16 for the limit", .senior, spent(40)) { $0.age = nil; $0.activeMinutesToday = 40 },

        // the order when several apply
        given("exam lock beats missing consent", .junior, .refused(.examLocked(until: examEnd))) {
            $0.examLockedUntil = examEnd; $0.age = 12; $0.hasGuardianConsent = false; $0.activeMinutesToday = 40
        },
        given("missing consent beats a spent limit", .junior, .refused(.consentRequired)) {
            $0.age = 12; $0.hasGuardianConsent = false; $0.activeMinutesToday = 40
        },
        given("a spent limit beats an assignment that is off", .junior, spent(40)) { $0.activeMinutesToday = 45; $0.assignmentMode = .off },
        given("exam lock beats a school that turned the companion off", .junior, .refused(.examLocked(until: examEnd))) {
            $0.examLockedUntil = examEnd; $0.school.companionEnabled = false
        },
        given("missing consent beats a school that turned the companion off", .junior, .refused(.consentRequired)) {
            $0.age = 13; $0.hasGuardianConsent = false; $0.school.companionEnabled = false
        },
        given("an assignment that is off is named before the school", .junior, .refused(.companionOff(by: .assignment))) {
            $0.assignmentMode = .off; $0.school.companionEnabled = false
        },

        // band rule: class mode for primary
        given("primary-lower alone: guided activities only", .primaryLower, guided(by: .band)) { $0.age = 7 },
        given("primary-upper alone: guided activities only", .primaryUpper, guided(by: .band)) { $0.age = 10 },
        given("primary-upper in a class-mode window: open", .primaryUpper, open) { $0.age = 10; $0.classModeUntil = classModeEnd },
        given("primary after the class-mode window closed: guided", .primaryLower, guided(by: .band)) {
            $0.age = 8; $0.classModeUntil = now.addingTimeInterval(-1)
        },
        given("senior alone: open", .senior, open) { $0.age = 17 },
        given("vocational alone: open", .vocational, open) { $0.age = 17 },

        // the assignment's companionMode
        given("an assignment that is off", .senior, .refused(.companionOff(by: .assignment))) { $0.assignmentMode = .off },
        given("a guided assignment: guided, hints only", .junior, guided(by: .assignment, hints: true)) { $0.assignmentMode = .guided },
        given("an open assignment: open, hints only", .junior, .granted(.open, hintsOnly: true, guidedBy: nil)) { $0.assignmentMode = .open },
        given("an open assignment does not open primary alone", .primaryLower, guided(by: .band, hints: true)) {
            $0.age = 7; $0.assignmentMode = .open
        },
        given("a guided assignment in class mode stays guided", .primaryUpper, guided(by: .assignment, hints: true)) {
            $0.age = 11; $0.classModeUntil = classModeEnd; $0.assignmentMode = .guided
        },
        given("higher education gets hints only on graded work", .higher, .granted(.open, hintsOnly: true, guidedBy: nil)) {
            $0.age = 20; $0.assignmentMode = .open
        },

        // the school's overrides tighten
        given("a school that turned the companion off", .junior, .refused(.companionOff(by: .school))) { $0.school.companionEnabled = false },
        given("a school that turned open chat alone off for juniors", .junior, guided(by: .school)) {
            $0.school.openChatAlone = [.junior: false]
        },
        given("that school's juniors still chat openly in class mode", .junior, open) {
            $0.school.openChatAlone = [.junior: false]; $0.classModeUntil = classModeEnd
        },
        given("the band's reason comes before the school's", .primaryLower, guided(by: .band)) {
            $0.age = 7; $0.school.openChatAlone = [.primaryLower: false]
        },
        given("the assignment's reason comes before the school's", .junior, guided(by: .assignment, hints: true)) {
            $0.assignmentMode = .guided; $0.school.openChatAlone = [.junior: false]
        },
        given("a school's lower limit applies", .junior, spent(30)) { $0.school.dailyMinutesUnder16 = 30; $0.activeMinutesToday = 30 },
        given("a school's lower limit from 16 applies", .senior, spent(60)) {
            $0.age = 17; $0.school.dailyMinutesFrom16 = 60; $0.activeMinutesToday = 60
        },
        given("an unvalidated loosening of the limit is ignored", .junior, spent(40)) {
            $0.school.dailyMinutesUnder16 = 60; $0.activeMinutesToday = 40
        },
        given("an unvalidated opening of primary alone is ignored", .primaryLower, guided(by: .band)) {
            $0.age = 7; $0.school.openChatAlone = [.primaryLower: true]
        },
    ]
}

@Suite struct CompanionPolicyDecisionTests {
    let policy = CompanionPolicy.shipped

    @Test(arguments: PolicyCase.table)
    func theRulesApplyInOrder(_ row: PolicyCase) {
        // given
        let context = row.context

        // when
        let outcome: PolicyCase.Outcome
        switch policy.decide(context) {
        case .success(let grant): outcome = .granted(grant.mode, hintsOnly: grant.hintsOnly, guidedBy: grant.guidedBy)
        case .failure(let refusal): outcome = .refused(refusal)
        }

        // then
        #expect(outcome == row.expected)
    }

    @Test func aGuidedGrantSaysWhyAndAnOpenOneDoesNot() throws {
        // given
        let alone = PolicyContext(band: .primaryLower, age: 8, now: PolicyCase.now, hasGuardianConsent: true)
        var inClass = alone
        inClass.classModeUntil = PolicyCase.classModeEnd

        // when
        let guided = try policy.decide(alone).get()
        let open = try policy.decide(inClass).get()

        // then
        #expect(guided.reason.contains("primary-lower: open chat only in class mode"))
        #expect(guided.reason.contains("课堂模式"))
        #expect(open.reason.isEmpty && open.guidedBy == nil)
        #expect(guided.style == .warmAndSimple)
    }
}
