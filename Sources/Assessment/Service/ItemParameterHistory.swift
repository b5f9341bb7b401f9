import FluentKit
import Foundation
import Persistence

/// The append-only history of calibrated item parameters (`assessment_item_parameters`): every
/// calibration adds one row per item it estimated; the newest row of an item is in force.
public enum ItemParameterHistory {
    /// One item's parameters from one calibration.
    public struct Entry: Sendable, Hashable {
        public let itemID: String
        public let parameters: TwoParameterItem
        public let examinees: Int
        public let misfit: Bool
        public let calibratedAt: Date
    }

    /// The parameters in force: each item's newest row.
    public static func latest(on database: DatabaseStack) async throws -> [String: TwoParameterItem] {
        var out: [String: (Date, TwoParameterItem)] = [:]
        for row in try await ItemParametersModel.query(on: database.db).all() {
            if let seen = out[row.itemID], seen.0 >= row.calibratedAt { continue }
            out[row.itemID] = (row.calibratedAt, TwoParameterItem(a: row.a, b: row.b))
        }
        return out.mapValues(\.1)
    }

    /// Every row of one item, oldest first.
    public static func entries(of itemID: String, on database: DatabaseStack) async throws -> [Entry] {
        try await ItemParametersModel.query(on: database.db).filter(\.$itemID == itemID).sort(\.$calibratedAt).all().map {
            Entry(itemID: $0.itemID, parameters: TwoParameterItem(a: $0.a, b: $0.b), examinees: $0.examinees, misfit: $0.misfit,
                  calibratedAt: $0.calibratedAt)
        }
    }

    /// Appends one calibration's rows in one transaction; earlier rows are never changed.
    static func append(_ entries: [Entry], on database: DatabaseStack) async throws {
        try await database.db.transaction { db in
            for e in entries {
                let m = ItemParametersModel()
                m.itemID = e.itemID
                m.a = e.parameters.a
                m.b = e.parameters.b
                m.examinees = e.examinees
                m.misfit = e.misfit
                m.calibratedAt = e.calibratedAt
                try await m.create(on: db)
            }
        }
    }
}
