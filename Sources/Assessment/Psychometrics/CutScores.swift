import QianxueCore

/// The cut-score table that maps an ability to a level — understand, apply, create — kept as
/// configuration (JSON or YAML) so that standard setting can change it without a release.
///
/// The provisional defaults (apply from θ = −0.5, create from θ = 0.8, on every dimension) are
/// placeholders on the calibration's N(0, 1) scale until a standard-setting panel sets real ones.
/// A configuration file reads, for example:
///
/// ```yaml
/// overall: { apply: -0.5, create: 0.8 }
/// dimensions:
///   ET: { apply: -0.4, create: 0.9 }
/// ```
public struct CutScores: Sendable, Hashable, Codable {
    /// The lowest abilities at which `apply` and `create` begin; below `apply` is `understand`.
    public struct Cuts: Sendable, Hashable, Codable {
        public let apply: Double
        public let create: Double

        public init(apply: Double, create: Double) {
            precondition(apply < create, "the apply cut lies below the create cut")
            self.apply = apply
            self.create = create
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let apply = try c.decode(Double.self, forKey: .apply), create = try c.decode(Double.self, forKey: .create)
            guard apply < create else {
                throw DecodingError.dataCorruptedError(forKey: .create, in: c, debugDescription: "create (\(create)) must lie above apply (\(apply))")
            }
            self.init(apply: apply, create: create)
        }

        /// The level `theta` falls in.
        public func level(for theta: Double) -> Competency.Level {
            theta < apply ? .understand : theta < create ? .apply : .create
        }
    }

    /// The cuts for the overall ability, and for any dimension without its own.
    public var overall: Cuts
    /// Cuts for particular dimensions.
    public var dimensions: CodeTable<Competency.Dimension, Cuts>

    public init(overall: Cuts, dimensions: CodeTable<Competency.Dimension, Cuts> = [:]) {
        self.overall = overall
        self.dimensions = dimensions
    }

    /// Provisional until standard setting: understand below −0.5, apply below 0.8, create from 0.8.
    public static let provisional = CutScores(overall: Cuts(apply: -0.5, create: 0.8))

    /// The level of `theta` overall, or on `dimension` when it has cuts of its own.
    public func level(for theta: Double, in dimension: Competency.Dimension? = nil) -> Competency.Level {
        (dimension.flatMap { dimensions[$0] } ?? overall).level(for: theta)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(overall: try c.decode(Cuts.self, forKey: .overall),
                  dimensions: try c.decodeIfPresent(CodeTable<Competency.Dimension, Cuts>.self, forKey: .dimensions) ?? [:])
    }
}
