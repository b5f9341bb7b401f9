import Assessment
import Foundation
import Testing
import TestSupport

/// The IRT engine against the published LSAT7 2PL reference (mirt), ../shared/data/irt.
@Suite(.enabled(if: SharedData.available, "needs ../shared/data/irt beside the checkout"))
struct LSAT7ReferenceTests {
    struct Reference: Decodable {
        struct Data: Decodable {
            struct Pattern: Decodable { let pattern: String; let freq: Int }
            let patterns: [Pattern]
        }
        struct Check: Decodable {
            let item_params_a: [Double]
            let item_params_d: [Double]
            let responses: [Int]
            let theta_EAP: Double
            let SE: Double
        }
        let data: Data
        let single_response_pattern_check: Check
        let published: [String: AnyValue]

        /// The published section mixes shapes; only its `logLik_2PL` number is read here.
        struct AnyValue: Decodable {
            let number: Double?
            init(from decoder: any Decoder) throws { number = try? decoder.singleValueContainer().decode(Double.self) }
        }
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: SharedData.url("irt/lsat7_mirt_2pl.json")))
    }

    /// 1,000 rows, one per examinee, expanded from the pattern frequencies.
    static func responses(_ reference: Reference) -> [[Bool?]] {
        reference.data.patterns.flatMap { p in
            Array(repeating: p.pattern.map { $0 == "1" }, count: p.freq)
        }
    }

    /// |x − y| < 0.0005: equal to three decimals.
    static func agree(_ x: Double, _ y: Double) -> Bool { abs(x - y) < 0.0005 }

    @Test func calibrationReproducesMirtsSlopesInterceptsAndDifficulties() throws {
        // given the LSAT7 responses and mirt's converged 2PL estimates
        let reference = try Self.reference()
        let mirtA = reference.single_response_pattern_check.item_params_a
        let mirtD = reference.single_response_pattern_check.item_params_d

        // when the items are calibrated by MML-EM with 61 points on [−6, 6] and the defaults
        let result = try Calibration().calibrate(responses: Self.responses(reference))

        // then a, d and b = −d/a agree to three decimals, as does the log-likelihood
        #expect(result.converged)
        for j in 0..<5 {
            #expect(Self.agree(result.items[j].a, mirtA[j]), "a\(j + 1): \(result.items[j].a) vs \(mirtA[j])")
            #expect(Self.agree(result.items[j].intercept, mirtD[j]), "d\(j + 1): \(result.items[j].intercept) vs \(mirtD[j])")
            #expect(Self.agree(result.items[j].b, -mirtD[j] / mirtA[j]), "b\(j + 1): \(result.items[j].b) vs \(-mirtD[j] / mirtA[j])")
        }
        let logLik = try #require(reference.published["logLik_2PL"]?.number)
        #expect(Self.agree(result.logLikelihood, logLik), "logLik \(result.logLikelihood) vs \(logLik)")
    }

    @Test func lsat7ItemsFitTheTwoParameterModel() throws {
        // given LSAT7, the classic data set the 2PL fits
        let reference = try Self.reference()

        // when it is calibrated
        let result = try Calibration().calibrate(responses: Self.responses(reference))

        // then every item gets a fit statistic and none is reported as misfitting
        #expect(result.fit.map(\.item) == [0, 1, 2, 3, 4])
        #expect(result.misfit.isEmpty, "\(result.misfit)")
    }

    @Test func eapOfTheAllWrongPatternMatchesMirt() throws {
        // given mirt's item parameters and the pattern 00000
        let check = try Self.reference().single_response_pattern_check
        let items = zip(check.item_params_a, check.item_params_d).map { TwoParameterItem(slope: $0, intercept: $1) }
        let responses = zip(items, check.responses).map { (item: $0, correct: $1 == 1) }

        // when it is scored by EAP on 61 points on [−6, 6] with a N(0, 1) prior
        let estimate = AbilityEstimator.eap(responses: responses, prior: .standard)

        // then θ and its posterior SD agree to three decimals
        #expect(Self.agree(estimate.theta, check.theta_EAP), "θ \(estimate.theta) vs \(check.theta_EAP)")
        #expect(Self.agree(estimate.se, check.SE), "SE \(estimate.se) vs \(check.SE)")
    }
}
