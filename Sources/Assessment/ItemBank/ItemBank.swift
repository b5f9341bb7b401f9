import QianxueCore

/// The AI-literacy item bank: every item read from `Curriculum/assessment/`, with lookups by id,
/// band and competency. Lookups by band or competency return published items unless asked otherwise.
public struct ItemBank: Sendable {
    /// Every item, in file order (files sorted by name).
    public let items: [AssessmentItem]
    private let byID: [String: AssessmentItem]

    /// A bank of these items; the first of two items sharing an id wins lookups (the lint reports the second).
    public init(items: [AssessmentItem]) {
        self.items = items
        self.byID = Dictionary(items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The item with this id, whatever its status.
    public func item(id: String) -> AssessmentItem? { byID[id] }

    /// Items tagged with `band`.
    public func items(in band: GradeBand, publishedOnly: Bool = true) -> [AssessmentItem] {
        items.filter { $0.bands.contains(band) && (!publishedOnly || $0.isUsable) }
    }

    /// Items that assess `competency`.
    public func items(for competency: Competency, publishedOnly: Bool = true) -> [AssessmentItem] {
        items.filter { $0.competency == competency && (!publishedOnly || $0.isUsable) }
    }

    /// Items that assess `competency` and suit `band`: the pool a test form for that band draws a cell from.
    public func items(for competency: Competency, in band: GradeBand, publishedOnly: Bool = true) -> [AssessmentItem] {
        items.filter { $0.competency == competency && $0.bands.contains(band) && (!publishedOnly || $0.isUsable) }
    }

    /// Published items per competency cell, every cell of the grid present.
    public var countsByCompetency: [Competency: Int] {
        var counts = Dictionary(uniqueKeysWithValues: Competency.grid.map { ($0, 0) })
        for item in items where item.isUsable { counts[item.competency, default: 0] += 1 }
        return counts
    }

    /// Published items per band, every band present.
    public var countsByBand: [GradeBand: Int] {
        var counts = Dictionary(uniqueKeysWithValues: GradeBand.allCases.map { ($0, 0) })
        for item in items where item.isUsable {
            for band in item.bands { counts[band, default: 0] += 1 }
        }
        return counts
    }

    /// One line for `qianxue curriculum lint`: totals, types, bands and local settings.
    public var summary: String {
        let published = items.filter(\.isUsable).count
        let types = ItemType.allCases.map { t in "\(items.filter { $0.type == t }.count) \(t.rawValue)" }
        let bands = GradeBand.allCases.map { "\($0.rawValue) \(countsByBand[$0] ?? 0)" }
        let local = items.filter(\.isGuizhouContext).count
        return "\(items.count) items (\(published) published; \(types.joined(separator: ", "))), "
            + "\(Set(items.map(\.competency)).count) of 12 competency cells, per band \(bands.joined(separator: ", ")), "
            + "\(local) set in Guizhou"
    }
}

/// The coverage the bank must reach, counted over published items: each competency cell, and
/// each band that must be assessable on its own.
public struct ItemBankCoverage: Sendable, Hashable {
    /// Published items each competency cell needs.
    public let minimumPerCompetency: Int
    /// Published items each band of `bands` needs.
    public let minimumPerBand: Int
    /// The bands that must be assessable on their own.
    public let bands: [GradeBand]

    public init(minimumPerCompetency: Int, minimumPerBand: Int, bands: [GradeBand]) {
        self.minimumPerCompetency = minimumPerCompetency
        self.minimumPerBand = minimumPerBand
        self.bands = bands
    }

    /// The shipped bank's promise: 10 per cell, 60 in each basic-education band.
    public static let standard = ItemBankCoverage(
        minimumPerCompetency: 10, minimumPerBand: 60, bands: [.primaryLower, .primaryUpper, .junior, .senior])

    /// No coverage requirement, for checking a handful of items on their own.
    public static let none = ItemBankCoverage(minimumPerCompetency: 0, minimumPerBand: 0, bands: [])
}
