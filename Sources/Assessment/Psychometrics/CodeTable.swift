import QianxueCore

/// A table keyed by a framework code — a dimension (`TA`) or a band (`junior`) — that reads and
/// writes as a JSON or YAML object with the codes as keys, so configuration files stay legible.
public struct CodeTable<Key: RawRepresentable & Hashable & Sendable, Value: Sendable & Hashable & Codable>:
    Sendable, Hashable, Codable, ExpressibleByDictionaryLiteral where Key.RawValue == String {
    public var entries: [Key: Value]

    public init(_ entries: [Key: Value] = [:]) {
        self.entries = entries
    }

    public init(dictionaryLiteral elements: (Key, Value)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    public subscript(key: Key) -> Value? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    public init(from decoder: any Decoder) throws {
        let raw = try [String: Value](from: decoder)
        var entries = [Key: Value]()
        for (code, value) in raw {
            guard let key = Key(rawValue: code) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(code)' is not a known code"))
            }
            entries[key] = value
        }
        self.entries = entries
    }

    public func encode(to encoder: any Encoder) throws {
        try Dictionary(uniqueKeysWithValues: entries.map { ($0.key.rawValue, $0.value) }).encode(to: encoder)
    }
}

extension CodeTable where Key == Competency.Dimension, Value == Double {
    /// An equal share for each of the four dimensions.
    public static var even: Self {
        Self(Dictionary(uniqueKeysWithValues: Competency.Dimension.allCases.map { ($0, 0.25) }))
    }
}

/// A band's ability distribution on the calibrated scale: where its adaptive tests start, and the
/// normal prior its abilities are estimated with.
public struct BandPrior: Sendable, Hashable, Codable {
    public var mean: Double
    public var standardDeviation: Double

    public init(mean: Double, standardDeviation: Double = 1) {
        precondition(standardDeviation > 0, "a prior needs a positive standard deviation")
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// The prior as weights on the given quadrature's points.
    public func quadrature(on grid: Quadrature = .standard) -> Quadrature {
        grid.prior(mean: mean, standardDeviation: standardDeviation)
    }

    /// Provisional band means, rising with age, until a calibration on real responses replaces
    /// them (the mean EAP of each band's students on the calibrated scale): SD 1 throughout.
    public static let provisional: CodeTable<GradeBand, BandPrior> = [
        .primaryLower: BandPrior(mean: -1.0), .primaryUpper: BandPrior(mean: -0.5), .junior: BandPrior(mean: 0),
        .senior: BandPrior(mean: 0.5), .vocational: BandPrior(mean: 0.25), .higher: BandPrior(mean: 1.0),
    ]
}
