import QianxueCore

extension AdaptiveTest {
    /// How adaptive tests run; every field may be left out of a configuration file for its default.
    public struct Configuration: Sendable, Hashable, Codable {
        /// The test stops after this many items whatever the precision (25).
        public var maxItems: Int
        /// The test does not stop for precision before this many items (4: one per dimension).
        public var minItems: Int
        /// The test stops once the standard error is at or below this (0.35).
        public var targetSE: Double
        /// Each band's starting ability and prior; a band missing here gets N(0, 1). A configuration
        /// file's `priors` are laid over the provisional ones, band by band.
        public var priors: CodeTable<GradeBand, BandPrior>
        public var exposure: ExposureControl
        /// The share of items each dimension should get; dimensions left out (or at 0) get none.
        public var contentTargets: CodeTable<Competency.Dimension, Double>

        public init(maxItems: Int = 25, minItems: Int = 4, targetSE: Double = 0.35,
                    priors: CodeTable<GradeBand, BandPrior> = BandPrior.provisional,
                    exposure: ExposureControl = ExposureControl(),
                    contentTargets: CodeTable<Competency.Dimension, Double> = .even) {
            self.maxItems = maxItems
            self.minItems = minItems
            self.targetSE = targetSE
            self.priors = priors
            self.exposure = exposure
            self.contentTargets = contentTargets
        }

        /// 25 items at most, SE 0.35, randomesque 10, equal shares, provisional band means.
        public static let standard = Configuration()

        /// The prior for `band`.
        public func prior(for band: GradeBand) -> BandPrior {
            priors[band] ?? BandPrior(mean: 0, standardDeviation: 1)
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Configuration()
            self.init(
                maxItems: try c.decodeIfPresent(Int.self, forKey: .maxItems) ?? d.maxItems,
                minItems: try c.decodeIfPresent(Int.self, forKey: .minItems) ?? d.minItems,
                targetSE: try c.decodeIfPresent(Double.self, forKey: .targetSE) ?? d.targetSE,
                priors: CodeTable(d.priors.entries.merging(
                    try c.decodeIfPresent(CodeTable<GradeBand, BandPrior>.self, forKey: .priors)?.entries ?? [:]) { _, given in given }),
                exposure: try c.decodeIfPresent(ExposureControl.self, forKey: .exposure) ?? d.exposure,
                contentTargets: try c.decodeIfPresent(CodeTable<Competency.Dimension, Double>.self, forKey: .contentTargets)
                    ?? d.contentTargets)
        }
    }

    /// How item exposure is limited: the randomesque method picks at random among the `randomesque`
    /// most informative items; Sympson–Hetter, when on, gives a selected item only with its
    /// `exposureParameter` as probability and otherwise sets it aside for the rest of the test.
    public struct ExposureControl: Sendable, Hashable, Codable {
        /// How many of the most informative items to choose among (1 = always the best). 10 by
        /// default: on the shipped bank (57–72 items a basic band) 8 showed the most used item to
        /// 41–43% of primary-lower and senior simulees, over the 40% ceiling (ShippedBankSimulationTests).
        public var randomesque: Int
        public var sympsonHetter: Bool
        public static let standardRandomesque = 10

        public init(randomesque: Int = Self.standardRandomesque, sympsonHetter: Bool = false) {
            precondition(randomesque >= 1, "randomesque chooses among at least one item")
            self.randomesque = randomesque
            self.sympsonHetter = sympsonHetter
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let k = try c.decodeIfPresent(Int.self, forKey: .randomesque) ?? Self.standardRandomesque
            guard k >= 1 else {
                throw DecodingError.dataCorruptedError(forKey: .randomesque, in: c, debugDescription: "randomesque must be at least 1")
            }
            self.init(randomesque: k, sympsonHetter: try c.decodeIfPresent(Bool.self, forKey: .sympsonHetter) ?? false)
        }
    }
}
