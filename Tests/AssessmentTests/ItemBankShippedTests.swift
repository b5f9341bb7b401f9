import Curriculum
import Foundation
import QianxueCore
import Testing
import TestSupport
@testable import Assessment

/// The item bank in `Curriculum/assessment/` as the server and the lint load it.
enum ShippedItemBank {
    static let loaded = ItemBankLoader.load(from: Repository.curriculum.appendingPathComponent("assessment"))
    static var bank: ItemBank { loaded.bank }
}

@Suite struct ItemBankShippedTests {
    @Test func theShippedBankPassesTheLintIncludingCoverage() {
        #expect(ShippedItemBank.loaded.diagnostics.map(\.description) == [])
    }

    @Test func everyCellAndEveryBasicBandIsCovered() {
        // given the shipped bank
        let bank = ShippedItemBank.bank
        // then
        #expect(bank.items.count >= 170)
        for cell in Competency.grid {
            #expect(bank.items(for: cell).count >= 10, "\(cell.code)")
        }
        for band in [GradeBand.primaryLower, .primaryUpper, .junior, .senior] {
            #expect(bank.items(in: band).count >= 60, "\(band.rawValue)")
            // Each band can draw every cell, so a band's form never leaves a cell empty.
            for cell in Competency.grid {
                #expect(!bank.items(for: cell, in: band).isEmpty, "\(band.rawValue) \(cell.code)")
            }
        }
    }

    @Test func theBankMixesTypesAndGuizhouSettings() {
        let items = ShippedItemBank.bank.items
        #expect(items.filter { $0.type == .multiple }.count >= 20)
        #expect(items.filter { $0.type == .ordering }.count >= 15)
        #expect(items.filter { $0.type == .constructed }.count >= 15)
        #expect(items.filter { $0.type == .single }.count > items.count / 2)
        let local = items.filter(\.isGuizhouContext)
        #expect(local.count >= 20)
        #expect(local.allSatisfy { !$0.sources.isEmpty })
        #expect(Set(local.flatMap(\.context)).isSuperset(of: ["miao", "dong", "shui", "red:zunyi", "red:chishui", "bigdata", "fast"]))
    }

    @Test func everyKeyScoresItselfCorrectAndEveryPublishedItemWasReviewed() {
        for item in ShippedItemBank.bank.items {
            let score: ItemScore
            switch item.key {
            case .choice(let id): score = item.score(.choice(id))
            case .choices(let ids): score = item.score(.choices(ids))
            case .order(let ids): score = item.score(.order(ids))
            case .rubric(let r): score = item.teacherScore(points: r.maxPoints)
            }
            #expect(score.isCorrect == true, "\(item.id)")
            if item.status == .published {
                #expect(item.reviewer != nil && item.reviewedOn != nil, "\(item.id)")
            }
            #expect(item.rationale != nil, "\(item.id) explains its key for reviewers")
        }
    }

    @Test func keysAreSpreadOverTheOptionPositions() {
        // A test-wise student who always picks the same letter should gain nothing.
        let singles = ShippedItemBank.bank.items.filter { $0.type == .single }
        for letter in ["A", "B", "C"] {
            let keyed = singles.filter { $0.key == .choice(letter) }.count
            #expect(Double(keyed) / Double(singles.count) < 0.4, "\(letter) keys \(keyed) of \(singles.count)")
        }
        let orderings = ShippedItemBank.bank.items.compactMap { item -> String? in
            if case .order(let ids) = item.key { return ids.first }
            return nil
        }
        #expect(Set(orderings).count >= 3, "ordering keys do not all start with the same option")
    }

    @Test func lookupsFindItemsByIdBandAndCompetency() throws {
        let bank = ShippedItemBank.bank
        let item = try #require(bank.item(id: "ta-u-002"))
        #expect(item.competency == Competency(.techniques, .understand))
        #expect(bank.items(in: .primaryLower).contains(item))
        #expect(!bank.items(in: .senior).contains(item))
        #expect(bank.items(for: Competency(.techniques, .understand)).contains(item))
        #expect(bank.item(id: "ta-u-999") == nil)
        #expect(bank.summary.contains("\(bank.items.count) items"))
    }
}
