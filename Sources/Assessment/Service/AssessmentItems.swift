import Foundation
import QianxueCore

/// The reviewed item bank with the pool the adaptive test draws on and the fixed forms: published
/// items scored right or wrong at once (choice and ordering; written answers wait for a teacher, so
/// they belong to fixed forms, not to an adaptive test), each with its parameters — the latest
/// calibration's when there is one, else those written in the item file, else a discrimination of 1
/// and the authors' difficulty estimate.
public struct AssessmentItems: Sendable {
    public let bank: ItemBank
    public let pool: ItemPool
    /// Every form, published or not, by file name.
    public let forms: [TestForm]
    /// Parameters of the latest calibration, by item id (the items' own `irt` is older).
    public let calibrated: [String: TwoParameterItem]

    public init(bank: ItemBank, forms: [TestForm] = [], calibrated: [String: TwoParameterItem] = [:]) throws {
        self.bank = bank
        self.forms = forms
        self.calibrated = calibrated
        let adaptive = bank.items.filter { $0.isUsable && $0.type != .constructed }
        pool = try ItemPool(items: adaptive.map { item in
            PoolItem(id: item.id, parameters: Self.parameters(of: item, calibrated: calibrated),
                     dimension: item.competency.dimension, bands: Set(item.bands))
        })
    }

    /// The same bank and forms with newly calibrated parameters laid over the current ones.
    public func recalibrated(_ parameters: [String: TwoParameterItem]) throws -> AssessmentItems {
        try AssessmentItems(bank: bank, forms: forms, calibrated: calibrated.merging(parameters) { _, new in new })
    }

    /// The parameters an item is scored with, for any item of the bank (a written answer too).
    public func parameters(of itemID: String) -> TwoParameterItem? {
        bank.item(id: itemID).map { Self.parameters(of: $0, calibrated: calibrated) }
    }

    /// The form with this id, whatever its status.
    public func form(id: String) -> TestForm? { forms.first { $0.id == id } }

    static func parameters(of item: AssessmentItem, calibrated: [String: TwoParameterItem]) -> TwoParameterItem {
        calibrated[item.id] ?? TwoParameterItem(a: item.irt?.a ?? 1, b: item.irt?.b ?? item.difficulty)
    }
}
