import Assistant
import Testing

@Suite struct DraftStateTests {
    @Test func aDraftReachesStudentsOnlyThroughApproval() {
        #expect(!DraftState.draft.canMove(to: .published))
        #expect(!DraftState.edited.canMove(to: .published))
        #expect(DraftState.approved.canMove(to: .published))
        #expect(DraftState.allCases.filter(\.visibleToStudents) == [.published])
    }

    @Test func editingAnApprovedDraftNeedsApprovalAgainAndPublishedIsFinal() {
        #expect(DraftState.approved.canMove(to: .edited))
        #expect(DraftState.published.next.isEmpty)
    }
}
