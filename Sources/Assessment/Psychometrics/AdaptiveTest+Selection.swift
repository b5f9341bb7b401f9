import QianxueCore

extension AdaptiveTest {
    /// The item to show next, or nil when the test is over.
    ///
    /// Content balancing picks the dimension furthest behind its target share (Kingsbury–Zara);
    /// within it, the band's items are ranked by Fisher information at the current ability, and one
    /// of the `randomesque` best is drawn at random. With Sympson–Hetter on, the drawn item must
    /// then win its lottery or be set aside (unless it is the dimension's last candidate). A
    /// dimension with nothing left yields to the next one behind. Items in `seen` (say, those of the
    /// student's pre-test) are never chosen. The choice stays pending — and is returned again — until
    /// `record` is called with it.
    public mutating func next(from pool: ItemPool, excluding seen: Set<String> = [],
                              using generator: inout some RandomNumberGenerator) -> String? {
        if let pending { return pending }
        guard !isFinished else { return nil }
        var taken = [Bool](repeating: false, count: pool.items.count)
        for r in responses { if let i = pool.index[r.itemID] { taken[i] = true } }
        for id in setAside { if let i = pool.index[id] { taken[i] = true } }
        let row = pool.row(for: estimate.theta)
        let k = configuration.exposure.randomesque
        var candidates = [Int32]()
        candidates.reserveCapacity(k + 1)
        for dimension in dimensionsByDeficit() {
            let cell = pool.cells[pool.cell(band, dimension)]
            let ranking = (cell.offset + row * cell.count)..<(cell.offset + (row + 1) * cell.count)
            while true {
                candidates.removeAll(keepingCapacity: true)
                for position in ranking {
                    let i = pool.ranked[position]
                    if taken[Int(i)] || (!seen.isEmpty && seen.contains(pool.items[Int(i)].id)) { continue }
                    candidates.append(i)
                    // One beyond the k tells whether the dimension has an alternative to a set-aside item.
                    if candidates.count > k { break }
                }
                guard let chosen = candidates.prefix(k).randomElement(using: &generator) else { break }
                let item = pool.items[Int(chosen)]
                // Sympson–Hetter: the chosen item is given with its exposure parameter as probability;
                // otherwise it is set aside for the rest of the test and the choice is made again.
                if configuration.exposure.sympsonHetter && candidates.count > 1
                    && Double.random(in: 0..<1, using: &generator) >= item.exposureParameter {
                    setAside.append(item.id)
                    taken[Int(chosen)] = true
                    continue
                }
                pending = item.id
                return pending
            }
        }
        exhausted = true
        return nil
    }

    /// `next(from:excluding:using:)` with the system's random numbers.
    public mutating func next(from pool: ItemPool, excluding seen: Set<String> = []) -> String? {
        var generator = SystemRandomNumberGenerator()
        return next(from: pool, excluding: seen, using: &generator)
    }

    /// Dimensions with a positive target share, the one furthest behind first: the deficit is the
    /// share of the next item count less the items already given (ties in the framework's order).
    func dimensionsByDeficit() -> [Competency.Dimension] {
        let dimensions = Competency.Dimension.allCases
        let shares = dimensions.map { max(configuration.contentTargets[$0] ?? 0, 0) }
        let total = shares.reduce(0, +)
        var deficits = shares.map { $0 / total * Double(responses.count + 1) }
        for r in responses {
            if let d = dimensions.firstIndex(of: r.dimension) { deficits[d] -= 1 }
        }
        let order = dimensions.indices.filter { shares[$0] > 0 }.sorted { deficits[$0] > deficits[$1] || (deficits[$0] == deficits[$1] && $0 < $1) }
        return order.map { dimensions[$0] }
    }
}
