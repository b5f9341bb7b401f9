import Companion
import Foundation
import QianxueCore
import Testing

@Suite struct SchoolCompanionRulesTests {
    @Test func overridesThatTightenAreAccepted() throws {
        // given
        let rules = SchoolCompanionRules(companionEnabled: true,
                                         openChatAlone: [.junior: false, .senior: true, .primaryLower: false],
                                         dailyMinutesUnder16: 30, dailyMinutesFrom16: 90, breakReminderMinutes: 15)

        // when / then
        try rules.validate()
        try SchoolCompanionRules.none.validate()
        try SchoolCompanionRules(companionEnabled: false).validate()
    }

    @Test(arguments: [
        (SchoolCompanionRules(openChatAlone: [.primaryLower: true]), ["openChatAlone.primary-lower"]),
        (SchoolCompanionRules(openChatAlone: [.primaryUpper: true, .junior: false]), ["openChatAlone.primary-upper"]),
        (SchoolCompanionRules(dailyMinutesUnder16: 41), ["dailyMinutesUnder16"]),
        (SchoolCompanionRules(dailyMinutesFrom16: 120), ["dailyMinutesFrom16"]),
        (SchoolCompanionRules(breakReminderMinutes: 30), ["breakReminderMinutes"]),
        (SchoolCompanionRules(dailyMinutesUnder16: 0), ["dailyMinutesUnder16"]),
        // The contract's floor: a reminder every four minutes is not a break reminder.
        (SchoolCompanionRules(breakReminderMinutes: 4), ["breakReminderMinutes"]),
        (SchoolCompanionRules(dailyMinutesUnder16: 60, breakReminderMinutes: -5), ["dailyMinutesUnder16", "breakReminderMinutes"]),
    ])
    func anOverrideThatWouldLoosenARuleIsRejectedNamingTheField(_ rules: SchoolCompanionRules, _ fields: [String]) {
        // given: rules a school admin submitted

        // when
        let error = #expect(throws: AppError.self) { try rules.validate() }

        // then
        #expect(error?.type == .validation)
        #expect(error?.fields == fields)
        for field in fields { #expect(error?.detail.contains(field) == true) }
    }

    @Test func rulesTravelAsJSONWithBandNamesAsKeys() throws {
        // given
        let rules = SchoolCompanionRules(openChatAlone: [.primaryLower: false, .junior: false], dailyMinutesUnder16: 30)

        // when
        let data = try JSONEncoder().encode(rules)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let back = try JSONDecoder().decode(SchoolCompanionRules.self, from: data)

        // then
        #expect(object?["openChatAlone"] as? [String: Bool] == ["primary-lower": false, "junior": false])
        #expect(object?["companionEnabled"] == nil)
        #expect(back == rules)
        #expect(try JSONDecoder().decode(SchoolCompanionRules.self, from: Data("{}".utf8)) == .none)
    }

    @Test func anUnknownBandInTheJSONIsRejected() {
        // given
        let json = Data(#"{"openChatAlone": {"kindergarten": false}}"#.utf8)

        // when / then
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SchoolCompanionRules.self, from: json) }
    }
}
