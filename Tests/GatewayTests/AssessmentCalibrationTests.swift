import Foundation
import Persistence
import QianxueCore
import Testing
import TestSupport
@testable import Assessment

/// `qianxue assessment calibrate`: parameters re-estimated from stored responses, misfit reported,
/// the history appended to and the newest parameters in force.
@Suite struct AssessmentCalibrationTests {
    /// Stores `examinees` finished attempts of one student, answering `items` as 2PL items with the
    /// true parameters (θ ~ N(0, 1)); the last item is answered against any 2PL curve — right by the
    /// weakest and the strongest, wrong in the middle (a U, as an item with a trap for the middling).
    static func storeResponses(_ db: DatabaseStack, student: UUID, school: UUID, items: [(id: String, truth: TwoParameterItem)],
                               examinees: Int, seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        var responses: [ResponseModel] = []
        var attempts: [AttemptModel] = []
        for _ in 0..<examinees {
            let theta = random.normal()
            let m = AttemptModel()
            m.id = UUID()
            m.studentID = student; m.schoolID = school; m.band = "junior"; m.kind = "adaptive"; m.status = "finished"; m.state = "{}"
            m.answered = items.count; m.maxItems = items.count; m.startedAt = Date(); m.finishedAt = Date()
            attempts.append(m)
            for (seq, item) in items.enumerated() {
                let trap = seq == items.count - 1
                let r = ResponseModel()
                r.attemptID = m.id!; r.seq = seq + 1; r.itemID = item.id; r.answer = "{}"; r.answeredAt = Date()
                r.correct = random.unit() < (trap ? TwoParameterItem(a: 3, b: 0.8).probability(abs(theta)) : item.truth.probability(theta))
                responses.append(r)
            }
        }
        for chunk in stride(from: 0, to: attempts.count, by: 200) { try await Array(attempts[chunk..<min(chunk + 200, attempts.count)]).create(on: db.db) }
        for chunk in stride(from: 0, to: responses.count, by: 500) { try await Array(responses[chunk..<min(chunk + 500, responses.count)]).create(on: db.db) }
    }

    @Test(arguments: TestDatabase.engines)
    func calibrationRecoversDifficultiesFlagsMisfitAndAppendsHistory(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            // given 1,200 examinees' answers to 16 junior items with known parameters, one answered against its curve
            let service = f.platform.assessment
            let pool = service.items.pool.items.filter { $0.bands.contains(.junior) }.prefix(16)
            var random = SeededRandom(seed: 11)
            let truth = pool.map { ($0.id, TwoParameterItem(a: 0.8 + random.unit() * 1.2, b: -1.5 + random.unit() * 3)) }
            try await Self.storeResponses(f.platform.database, student: f.studentA.id, school: f.schoolA.id, items: truth, examinees: 1_200, seed: 5)

            // when it is calibrated
            let first = try await service.calibrate(minimumResponses: 100)

            // then the difficulties come back within 0.25 logits RMSE and the U-shaped item is the one misfit
            #expect(first.items.count == 16 && first.examinees == 1_200 && first.converged)
            let fitting = first.items.filter { $0.id != truth.last!.0 }
            let estimated = Dictionary(uniqueKeysWithValues: first.items.map { ($0.id, $0.after) })
            let squared = truth.dropLast().map { pow(estimated[$0.0]!.b - $0.1.b, 2) }
            let rmse = (squared.reduce(0, +) / Double(squared.count)).squareRoot()
            #expect(rmse <= 0.25, "RMSE of b \(rmse)")
            #expect(first.misfitting.map(\.id) == [truth.last!.0], "\(first.misfitting.map(\.id))")
            #expect(fitting.allSatisfy { !$0.misfit })

            // and a second run appends to the history without touching the first rows; the newest is in force
            let second = try await service.calibrate(minimumResponses: 100)
            let history = try await ItemParameterHistory.entries(of: truth[0].0, on: f.platform.database)
            #expect(history.count == 2)
            #expect(history[0].parameters == first.items[0].after && abs(history[0].calibratedAt.timeIntervalSince(first.calibratedAt)) < 1)
            let latest = try await ItemParameterHistory.latest(on: f.platform.database)
            #expect(latest[truth[0].0] == second.items.first { $0.id == truth[0].0 }!.after)
            // the service that calibrated scores with them at once; another gateway takes them in at its next look
            #expect(service.items.pool.item(id: truth[0].0)?.parameters == latest[truth[0].0])
            let other = AssessmentService(database: f.platform.database, registry: f.platform.registry, audit: f.platform.audit,
                                          items: try AssessmentItems(bank: service.items.bank, forms: service.items.forms))
            #expect(other.items.pool.item(id: truth[0].0)?.parameters != latest[truth[0].0])
            try await other.refreshParameters(interval: 0)
            #expect(other.items.pool.item(id: truth[0].0)?.parameters == latest[truth[0].0])
            // a dry run and a minimum nobody reaches record nothing
            _ = try await service.calibrate(minimumResponses: 100, dryRun: true)
            #expect(try await ItemParameterHistory.entries(of: truth[0].0, on: f.platform.database).count == 2)
            await #expect(throws: AppError.self) { try await service.calibrate(minimumResponses: 5_000) }
        }
    }
}
