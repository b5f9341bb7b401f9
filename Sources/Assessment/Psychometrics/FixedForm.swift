import QianxueCore

/// A fixed test form — the same items in the same order for every student — for pre- and
/// post-tests, scored on the same scale as adaptive tests.
public struct FixedForm: Sendable, Hashable, Codable {
    /// The items in the order they are shown.
    public let itemIDs: [String]

    public init(itemIDs: [String]) {
        self.itemIDs = itemIDs
    }

    /// Assembles `forms` parallel forms of `length` items for `band` from `pool`.
    ///
    /// Each dimension gets its share of `length` (largest remainders); within a dimension the band's
    /// items are ranked by their information averaged over the band's prior and dealt to the forms
    /// in a serpentine (A B B A …), so a pre-test and a post-test come out alike and share no item.
    /// Items in `excluding` are left out. A form is shorter than `length` when the pool runs out.
    /// Each form runs from the easiest item to the hardest.
    public static func assemble(from pool: ItemPool, band: GradeBand, length: Int, forms: Int = 1, prior: BandPrior,
                                contentTargets: CodeTable<Competency.Dimension, Double> = .even,
                                excluding: Set<String> = []) -> [FixedForm] {
        let weights = prior.quadrature(on: pool.quadrature)
        func expectedInformation(_ item: PoolItem) -> Double {
            zip(weights.points, weights.weights).reduce(0) { $0 + $1.1 * item.parameters.information($1.0) }
        }
        var dealt = [[PoolItem]](repeating: [], count: forms)
        for (dimension, quota) in quotas(length: length, targets: contentTargets) {
            let ranked = pool.items
                .filter { $0.dimension == dimension && $0.bands.contains(band) && !excluding.contains($0.id) }
                .map { ($0, expectedInformation($0)) }
                .sorted { $0.1 > $1.1 }
                .prefix(quota * forms)
            for (rank, (item, _)) in ranked.enumerated() {
                let round = rank / forms, position = rank % forms
                dealt[round % 2 == 0 ? position : forms - 1 - position].append(item)
            }
        }
        return dealt.map { items in FixedForm(itemIDs: items.sorted { $0.parameters.b < $1.parameters.b }.map(\.id)) }
    }

    /// Items per dimension: each positive share of `length`, rounded by largest remainders.
    static func quotas(length: Int, targets: CodeTable<Competency.Dimension, Double>) -> [(Competency.Dimension, Int)] {
        let shares = Competency.Dimension.allCases.compactMap { d in targets[d].flatMap { $0 > 0 ? (d, $0) : nil } }
        let total = shares.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return [] }
        var quotas = shares.map { ($0.0, Int(($0.1 / total * Double(length)).rounded(.down))) }
        let byRemainder = shares.indices.sorted {
            let r0 = shares[$0].1 / total * Double(length), r1 = shares[$1].1 / total * Double(length)
            return (r0 - r0.rounded(.down), -$0) > (r1 - r1.rounded(.down), -$1)
        }
        for i in byRemainder.prefix(length - quotas.reduce(0) { $0 + $1.1 }) { quotas[i].1 += 1 }
        return quotas
    }

    /// The answers to this form's items as scored responses, in the form's order. Items the student
    /// left unanswered are absent from `answers` and are skipped, not scored wrong; a caller that
    /// counts an omission as wrong passes `false` for it.
    public func responses(_ answers: [String: Bool], pool: ItemPool) throws -> [ScoredResponse] {
        let onForm = Set(itemIDs)
        if let stray = answers.keys.sorted().first(where: { !onForm.contains($0) }) { throw FixedFormError.notOnForm(stray) }
        return try itemIDs.compactMap { id in
            guard let correct = answers[id] else { return nil }
            guard let item = pool.item(id: id) else { throw FixedFormError.unknownItem(id) }
            return ScoredResponse(item: item.parameters, dimension: item.dimension, correct: correct)
        }
    }

    /// The literacy profile of a sitting of this form, with the band's prior.
    public func profile(_ answers: [String: Bool], pool: ItemPool, prior: BandPrior,
                        cutScores: CutScores = .provisional) throws -> LiteracyProfile {
        LiteracyProfile(responses: try responses(answers, pool: pool), prior: prior.quadrature(on: pool.quadrature),
                        cutScores: cutScores)
    }
}

/// Why a form's answers cannot be scored.
public enum FixedFormError: Error, Equatable, Sendable {
    /// An answer to an item the form does not have.
    case notOnForm(String)
    /// The pool has no item with this id.
    case unknownItem(String)
}
