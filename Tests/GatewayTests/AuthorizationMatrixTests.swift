import Foundation
import Gateway
import HummingbirdTesting
import NIOCore
import Testing
import TestSupport

/// Every operation of the contract × every role (and nobody) × own and foreign tenant answers as
/// `AccessPolicy` says: 401 without a token, 403 for a role the operation is not for, 404 for
/// another school's or prefecture's records, and otherwise the request is let through.
@Suite struct AuthorizationMatrixTests {
    @Test func everyOperationOfTheContractHasAnAccessRule() throws {
        // given the contract as it is now
        let contract = try Contract()

        // when the policy is compared with it, without a request
        let problems = AuthorizationMatrix.mismatches([], rules: AccessPolicy.rules, contract: contract)

        // then every operation has exactly one rule, public exactly where the contract says so
        #expect(contract.operations.count > 100)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test(arguments: TestDatabase.engines)
    func everyOperationAnswersEveryCallerAsThePolicySays(engine: DatabaseEngine) async throws {
        let contract = try Contract()
        try await GatewayFixture.with(engine, configure: Self.unlimited) { f in
            try await f.app().test(.router) { client in
                // given the seeded world and a token for each role
                let matrix = AuthorizationMatrix(contract: contract, world: try await AuthorizationWorld.make(f, client))

                // when every operation is called by every caller on both tenants
                let started = ContinuousClock.now
                let seen = try await matrix.observe(client, rules: AccessPolicy.rules)
                let took = ContinuousClock.now - started

                // then each answer is the policy's
                let problems = AuthorizationMatrix.mismatches(seen, rules: AccessPolicy.rules, contract: contract)
                #expect(seen.count == contract.operations.count * MatrixCaller.allCases.count * MatrixTenant.allCases.count)
                #expect(problems.isEmpty, "\(problems.count) of \(seen.count) requests differ from the policy:\n\(problems.joined(separator: "\n"))")
                print("authorization matrix on \(engine): \(contract.operations.count) operations × \(MatrixCaller.allCases.count) callers × 2 tenants = \(seen.count) requests in \(took)")
            }
        }
    }

    /// The matrix is a test that can fail: with one rule of the policy changed, exactly the
    /// requests that rule governs differ, against the same application.
    @Test(arguments: TestDatabase.engines)
    func flippingOneRuleMakesTheMatrixFailForExactlyThatRule(engine: DatabaseEngine) async throws {
        let contract = try Contract()
        typealias Flip = (change: @Sendable (inout [String: AccessRule]) -> Void, rows: Set<String>)
        let flips: [Flip] = [
            // teachers no longer among those who read a class's roster
            ({ $0["listClassStudents"]?.roles.remove(.teacher) }, ["listClassStudents · teacher · own"]),
            // another school's record no longer hidden from those who read their own
            ({ $0["getSchool"]?.scoped = false }, ["getSchool · teacher · foreign", "getSchool · school_admin · foreign", "getSchool · bureau · foreign"]),
        ]
        try await GatewayFixture.with(engine, configure: Self.unlimited) { f in
            try await f.app().test(.router) { client in
                // given the matrix's requests for the operations those rules govern, sent to the application
                let matrix = AuthorizationMatrix(contract: contract, world: try await AuthorizationWorld.make(f, client))
                let seen = try await matrix.observe(client, only: ["listClassStudents", "getSchool"], rules: AccessPolicy.rules)
                let real = AuthorizationMatrix.mismatches(seen, rules: AccessPolicy.rules, contract: contract)
                #expect(real.isEmpty, "\(real.joined(separator: "\n"))")

                for flip in flips {
                    // when one rule of the policy is flipped
                    var flipped = AccessPolicy.rules
                    flip.change(&flipped)

                    // then the same answers fail the matrix exactly where that rule decides
                    let failed = AuthorizationMatrix.mismatches(seen, rules: flipped, contract: contract)
                    let rows = Set(failed.map { String($0.prefix { $0 != ":" }) })
                    #expect(rows == flip.rows, "\(failed.joined(separator: "\n"))")
                }
            }
        }
    }

    @Test func anonymousCallsAnswer401BeforeTheirInputIsRead() async throws {
        let contract = try Contract()
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().test(.router) { client in
                // given every operation that needs a caller, called with no token, ids that are not
                // ids, no required query parameter and a body that is not JSON
                var wrong: [String] = []
                for op in contract.operations where !op.isPublic {
                    let uri = op.path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "not-an-id", options: .regularExpression)
                    let body = op.bodyType.map { _ in ByteBuffer(string: "{") }

                    // when it is sent
                    let status = try await client.execute(uri: uri, method: .init(op.method)!, headers: [.contentType: op.bodyType ?? "application/json"],
                                                          body: body) { $0.status.code }

                    // then it is told to sign in, not what is wrong with its input
                    if status != 401 { wrong.append("\(op.name): \(status)") }
                }
                #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
            }
        }
    }

    /// The matrix sends many requests as one user: rate limits would answer 429 before the rules.
    static func unlimited(_ config: inout AppConfig) {
        config.userRequestsPerMinute = 0
        config.addressRequestsPerMinute = 0
    }
}
