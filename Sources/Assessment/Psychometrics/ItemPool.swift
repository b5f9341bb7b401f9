import Foundation
import QianxueCore

/// One calibrated item as adaptive tests and forms see it: parameters, the dimension it measures,
/// the bands it suits, and its Sympson–Hetter exposure parameter.
public struct PoolItem: Sendable, Hashable, Codable {
    public let id: String
    public let parameters: TwoParameterItem
    public let dimension: Competency.Dimension
    public let bands: Set<GradeBand>
    /// The chance the item is given when selection picks it (Sympson–Hetter K); 1 gives it always.
    /// Used only when the configuration turns Sympson–Hetter on; `AdaptiveSimulation` estimates it.
    public var exposureParameter: Double

    public init(id: String, parameters: TwoParameterItem, dimension: Competency.Dimension, bands: Set<GradeBand>,
                exposureParameter: Double = 1) {
        self.id = id
        self.parameters = parameters
        self.dimension = dimension
        self.bands = bands
        self.exposureParameter = exposureParameter
    }
}

/// Why a pool cannot be built.
public enum ItemPoolError: Error, Equatable, Sendable {
    case duplicateID(String)
    /// A slope that is not positive, or a parameter that is not finite.
    case invalidParameters(String)
}

/// The calibrated items an adaptive test draws on, built once and shared: for every band and
/// dimension it keeps the eligible items ranked by Fisher information on a fine ability grid, and
/// every item's chance of success at the quadrature points, so that choosing the next item and
/// updating the ability each take microseconds.
public struct ItemPool: Sendable {
    public private(set) var items: [PoolItem]
    /// The points the adaptive posterior lives on.
    public let quadrature: Quadrature
    let index: [String: Int]
    /// P(correct) of item i at quadrature point k, at `i * nodeCount + k`.
    let correctAtNodes: [Double]
    /// The ranking grid: `gridCount` abilities from `gridLower` in steps of `gridStep`.
    let gridLower = -6.0, gridStep = 0.05, gridCount = 241
    /// Where each band × dimension cell's ranking starts in `ranked`, and how many items it holds.
    let cells: [(offset: Int, count: Int)]
    /// Per cell, `gridCount` rows of its items' indices, most informative first at that row's ability.
    let ranked: [Int32]

    public init(items: [PoolItem], quadrature: Quadrature = .standard) throws {
        var index = [String: Int]()
        for (i, item) in items.enumerated() {
            guard index.updateValue(i, forKey: item.id) == nil else { throw ItemPoolError.duplicateID(item.id) }
            let p = item.parameters
            guard p.a > 0, p.a.isFinite, p.b.isFinite else { throw ItemPoolError.invalidParameters(item.id) }
        }
        self.items = items
        self.quadrature = quadrature
        self.index = index
        self.correctAtNodes = items.flatMap { item in quadrature.points.map { item.parameters.probability($0) } }
        var cells = [(offset: Int, count: Int)](), ranked = [Int32]()
        for band in GradeBand.allCases {
            for dimension in Competency.Dimension.allCases {
                let members = items.indices.filter { items[$0].dimension == dimension && items[$0].bands.contains(band) }
                cells.append((ranked.count, members.count))
                for g in 0..<gridCount {
                    let theta = gridLower + Double(g) * gridStep
                    let information = members.map { items[$0].parameters.information(theta) }
                    let order = members.indices.sorted { information[$0] > information[$1] }
                    ranked.append(contentsOf: order.map { Int32(members[$0]) })
                }
            }
        }
        self.cells = cells
        self.ranked = ranked
    }

    /// The same pool with new Sympson–Hetter exposure parameters for the items named (others keep
    /// theirs); the rankings are reused, so this is cheap.
    public func withExposureParameters(_ parameters: [String: Double]) -> ItemPool {
        var pool = self
        for (id, k) in parameters {
            if let i = index[id] { pool.items[i].exposureParameter = min(max(k, 0), 1) }
        }
        return pool
    }

    /// The item with this id.
    public func item(id: String) -> PoolItem? { index[id].map { items[$0] } }

    /// How many items suit `band`.
    public func count(in band: GradeBand) -> Int {
        Competency.Dimension.allCases.reduce(0) { $0 + cells[cell(band, $1)].count }
    }

    var nodeCount: Int { quadrature.points.count }

    func cell(_ band: GradeBand, _ dimension: Competency.Dimension) -> Int {
        Self.bandSlots[band]! * Self.dimensionSlots.count + Self.dimensionSlots[dimension]!
    }

    private static let bandSlots = Dictionary(uniqueKeysWithValues: GradeBand.allCases.enumerated().map { ($1, $0) })
    private static let dimensionSlots = Dictionary(uniqueKeysWithValues: Competency.Dimension.allCases.enumerated().map { ($1, $0) })

    /// The ranking row nearest to `theta`.
    func row(for theta: Double) -> Int {
        min(max(Int(((theta - gridLower) / gridStep).rounded()), 0), gridCount - 1)
    }
}
