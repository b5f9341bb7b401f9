import Companion
import QianxueCore
import Testing

@Suite struct BandPolicyTests {
    @Test func primaryPupilsChatOpenlyOnlyInClassMode() {
        for band in [GradeBand.primaryLower, .primaryUpper] {
            let p = BandPolicy.defaults(for: band)
            #expect(!p.openChatAlone)
            #expect(p.openChatInClassMode)
            #expect(p.replyStyle == .warmAndSimple)
        }
        #expect(BandPolicy.defaults(for: .junior).openChatAlone)
        #expect(BandPolicy.defaults(for: .senior).replyStyle == .inquiry)
    }

    @Test func everyBandGetsHintsNeverAnswersOnGradedWork() {
        for band in GradeBand.allCases { #expect(BandPolicy.defaults(for: band).hintsOnlyOnGradedWork) }
    }

    @Test func aSchoolCanTightenButNotLoosen() {
        let province = BandPolicy.defaults(for: .junior)
        var strict = province
        strict.openChatAlone = false
        #expect(!province.tightened(by: strict).openChatAlone)
        var loose = BandPolicy.defaults(for: .primaryLower)
        loose.openChatAlone = true
        loose.hintsOnlyOnGradedWork = false
        let result = BandPolicy.defaults(for: .primaryLower).tightened(by: loose)
        #expect(!result.openChatAlone)
        #expect(result.hintsOnlyOnGradedWork)
    }

    @Test func dailyLimitsGoByAge() {
        #expect(BandPolicy.dailyMinutes(age: 12) == 40)
        #expect(BandPolicy.dailyMinutes(age: 16) == 90)
        #expect(BandPolicy.dailyMinutes(age: nil) == 40)
    }
}
