import Companion
import QianxueCore
import Testing

@Suite struct BandPolicyTests {
    @Test func primaryPupilsChatOpenlyOnlyInClassMode() {
        // given
        let primary = [GradeBand.primaryLower, .primaryUpper].map(BandPolicy.defaults(for:))

        // when
        let alone = primary.map { $0.allowsOpenChat(inClassMode: false) }
        let inClass = primary.map { $0.allowsOpenChat(inClassMode: true) }

        // then
        #expect(alone == [false, false])
        #expect(inClass == [true, true])
        #expect(primary.allSatisfy { $0.replyStyle == .warmAndSimple })
    }

    @Test func olderStudentsChatOpenlyInTheirBandsStyle() {
        // given
        let bands: [GradeBand] = [.junior, .senior, .vocational, .higher]

        // when
        let rules = bands.map(BandPolicy.defaults(for:))

        // then
        #expect(rules.allSatisfy { $0.allowsOpenChat(inClassMode: false) })
        #expect(rules.map(\.replyStyle) == [.invitesChecking, .inquiry, .professional, .professional])
    }

    @Test func everyBandGetsHintsNeverAnswersOnGradedWork() {
        for band in GradeBand.allCases { #expect(BandPolicy.defaults(for: band).hintsOnlyOnGradedWork) }
    }
}
