import Foundation
import QianxueCore

/// The reviewed item bank with the pool the adaptive test draws on: published items scored right or
/// wrong at once (choice and ordering; written answers wait for a teacher, so they belong to fixed
/// forms, not to an adaptive test), each with its calibrated parameters — or, until calibration,
/// a discrimination of 1 and the authors' difficulty estimate.
public struct AssessmentItems: Sendable {
    public let bank: ItemBank
    public let pool: ItemPool

    public init(bank: ItemBank) throws {
        self.bank = bank
        let adaptive = bank.items.filter { $0.isUsable && $0.type != .constructed }
        pool = try ItemPool(items: adaptive.map { item in
            PoolItem(id: item.id, parameters: TwoParameterItem(a: item.irt?.a ?? 1, b: item.irt?.b ?? item.difficulty),
                     dimension: item.competency.dimension, bands: Set(item.bands))
        })
    }
}
