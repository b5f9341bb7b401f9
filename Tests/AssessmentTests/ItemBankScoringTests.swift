import Foundation
import Testing
@testable import Assessment

/// Scoring per type, teachers' rubric scores, and what the student-facing view leaves out.
@Suite struct ItemBankScoringTests {
    static let bank: ItemBank = {
        let text = ItemBankFixture.single() + ItemBankFixture.multiple() + ItemBankFixture.ordering()
            + ItemBankFixture.constructed(extra: "  irt: {a: 1.3, b: 0.2, calibratedOn: 2027-06-30, n: 900}\n")
        let f = try! ItemBankFixture.make(["items.yaml": text])
        defer { f.remove() }
        return f.load().bank
    }()

    func item(_ id: String) throws -> AssessmentItem { try #require(Self.bank.item(id: id)) }

    @Test func singleChoiceScoresTheKeyedOptionOnly() throws {
        let item = try item("ta-u-001")
        #expect(item.score(.choice("A")) == .scored(points: 1, maxPoints: 1, correct: true))
        #expect(item.score(.choice("B")) == .scored(points: 0, maxPoints: 1, correct: false))
        #expect(item.score(.choice("Z")) == .invalid(reason: "ta-u-001 has no option Z"))
    }

    @Test func multipleChoiceIsAllOrNothing() throws {
        let item = try item("ta-u-002")
        #expect(item.score(.choices(["A", "B", "D"])).isCorrect == true)
        #expect(item.score(.choices(["D", "B", "A"])).isCorrect == true)
        #expect(item.score(.choices(["A", "B"])).isCorrect == false)
        #expect(item.score(.choices(["A", "B", "C", "D"])).isCorrect == false)
        #expect(item.score(.choices([])).isCorrect == false)
        #expect(item.score(.choices(["A", "X"])).isCorrect == nil)
    }

    @Test func orderingNeedsEveryOptionInItsPlace() throws {
        let item = try item("sd-a-001")
        #expect(item.score(.order(["B", "A", "C"])) == .scored(points: 1, maxPoints: 1, correct: true))
        #expect(item.score(.order(["A", "B", "C"])) == .scored(points: 0, maxPoints: 1, correct: false))
        #expect(item.score(.order(["B", "A"])) == .invalid(reason: "an ordering answer to sd-a-001 places each of its 3 options once"))
        #expect(item.score(.order(["B", "B", "C"])).isCorrect == nil)
    }

    @Test func constructedResponsesWaitForTheTeacherWhoseScoreIsCutForIRT() throws {
        // given a constructed item scored 0…2, correct at 2
        let item = try item("hm-c-001")
        // when a student answers
        let pending = item.score(.text("重要决定由老师复核。"))
        // then nothing is decided until the teacher scores it
        #expect(pending == .pendingTeacherScore(maxPoints: 2))
        #expect(pending.isCorrect == nil)
        #expect(item.teacherScore(points: 1) == .scored(points: 1, maxPoints: 2, correct: false))
        #expect(item.teacherScore(points: 2) == .scored(points: 2, maxPoints: 2, correct: true))
        #expect(item.teacherScore(points: 3) == .invalid(reason: "hm-c-001 scores 0…2, not 3"))
        #expect(try self.item("ta-u-001").teacherScore(points: 1).isCorrect == nil)
    }

    @Test func anAnswerOfTheWrongShapeIsInvalidNotWrong() throws {
        #expect(try item("ta-u-001").score(.text("A")) == .invalid(reason: "ta-u-001 is a single item and takes one option id"))
        #expect(try item("sd-a-001").score(.choice("B")).isCorrect == nil)
        #expect(try item("hm-c-001").score(.choice("A")).isCorrect == nil)
    }

    @Test func thePublicViewCarriesNoKeyRubricOrParameters() throws {
        for item in Self.bank.items {
            // given an item with a key, a rubric or IRT parameters
            // when it is sent to a student
            let json = String(decoding: try JSONEncoder().encode(item.publicView), as: UTF8.self)
            let keys = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]).keys
            // then only the question travels
            #expect(Set(keys) == ["id", "type", "competency", "stem", "options", "maxPoints"], "\(item.id)")
            for secret in ["correctAt", "rubric", "irt", "difficulty", "rationale", "复核", "人负责"] {
                #expect(!json.contains(secret), "\(item.id) leaks \(secret)")
            }
        }
        let constructed = try item("hm-c-001")
        #expect(constructed.irt != nil && constructed.publicView.maxPoints == 2 && constructed.publicView.options.isEmpty)
        #expect(try item("sd-a-001").publicView.options.map(\.id) == ["A", "B", "C"])
    }

    @Test func typesMapOntoQTIInteractions() {
        #expect(ItemType.single.qtiInteraction == "qti-choice-interaction")
        #expect(ItemType.multiple.qtiCardinality == "multiple")
        #expect(ItemType.ordering.qtiInteraction == "qti-order-interaction")
        #expect(ItemType.ordering.qtiCardinality == "ordered")
        #expect(ItemType.constructed.qtiInteraction == "qti-extended-text-interaction")
    }
}
