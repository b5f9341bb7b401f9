import Foundation
import Persistence
import QianxueCore
import Testing
import TestSupport
@testable import Assessment

/// `calibrate` reads the stored responses in batches of plain rows (`ScoredResponses`): however the
/// batches fall, it calibrates the same matrix as the responses held in memory at once.
@Suite struct AssessmentCalibrationBatchTests {
    /// Finished attempts answering a random ~70% of `items` (adaptive-style holes), θ ~ N(0, 1), 2PL
    /// answers; returns each attempt's responses as calibration should see them.
    static func storeAttempts(_ db: DatabaseStack, student: UUID, school: UUID, items: [String], examinees: Int,
                              seed: UInt64) async throws -> [UUID: [String: Bool]] {
        var random = SeededRandom(seed: seed)
        let truth = items.map { _ in TwoParameterItem(a: 0.8 + random.unit(), b: -1.5 + random.unit() * 3) }
        var stored: [UUID: [String: Bool]] = [:]
        var attempts: [AttemptModel] = [], responses: [ResponseModel] = []
        for _ in 0..<examinees {
            let theta = random.normal()
            let attempt = Self.attempt(student: student, school: school, status: "finished")
            attempts.append(attempt)
            for (j, item) in items.enumerated() where random.unit() < 0.7 {
                let correct = random.unit() < truth[j].probability(theta)
                stored[attempt.id!, default: [:]][item] = correct
                responses.append(Self.response(attempt: attempt.id!, seq: responses.count, item: item, correct: correct))
            }
        }
        for chunk in stride(from: 0, to: attempts.count, by: 200) { try await Array(attempts[chunk..<min(chunk + 200, attempts.count)]).create(on: db.db) }
        for chunk in stride(from: 0, to: responses.count, by: 500) { try await Array(responses[chunk..<min(chunk + 500, responses.count)]).create(on: db.db) }
        return stored
    }

    static func attempt(student: UUID, school: UUID, status: String) -> AttemptModel {
        let m = AttemptModel()
        m.id = UUID()
        m.studentID = student; m.schoolID = school; m.band = "junior"; m.kind = "adaptive"; m.status = status; m.state = "{}"
        m.answered = 0; m.maxItems = 25; m.startedAt = Date(); m.finishedAt = status == "finished" ? Date() : nil
        return m
    }

    static func response(attempt: UUID, seq: Int, item: String, correct: Bool?) -> ResponseModel {
        let r = ResponseModel()
        r.attemptID = attempt; r.seq = seq + 1; r.itemID = item; r.answer = "{}"; r.answeredAt = Date(); r.correct = correct
        return r
    }

    @Test(arguments: TestDatabase.engines)
    func calibrationReadInBatchesOfSevenRowsEqualsTheMatrixInMemory(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            // given 400 finished attempts at 12 junior items with holes, and rows calibration must leave
            // out: an attempt in progress, unscored answers, an item outside the bank with few responses
            let service = f.platform.assessment
            let db = f.platform.database
            let items = service.items.pool.items.filter { $0.bands.contains(.junior) }.prefix(12).map(\.id)
            let stored = try await Self.storeAttempts(db, student: f.studentA.id, school: f.schoolA.id, items: items, examinees: 400, seed: 21)
            let open = Self.attempt(student: f.studentA.id, school: f.schoolA.id, status: "inProgress")
            let unscored = Self.attempt(student: f.studentA.id, school: f.schoolA.id, status: "finished")
            try await [open, unscored].create(on: db.db)
            try await items.enumerated().map { Self.response(attempt: open.id!, seq: $0, item: $1, correct: true) }.create(on: db.db)
            try await items.enumerated().map { Self.response(attempt: unscored.id!, seq: $0, item: $1, correct: nil) }.create(on: db.db)
            let someone = try #require(stored.keys.first)
            try await Self.response(attempt: someone, seq: 99, item: "zz-not-in-the-bank", correct: true).create(on: db.db)

            // when it is calibrated reading 7 rows a statement (~480 statements, attempts cut between
            // them), reading everything in one, and straight from the matrix the test stored
            let small = try await service.calibrate(minimumResponses: 100, dryRun: true, batchSize: 7)
            let whole = try await service.calibrate(minimumResponses: 100, dryRun: true, batchSize: 1_000_000)
            let columns = items.sorted()
            // the database returns attempts in the byte order of their ids: the uppercase hex strings' order
            let rows = stored.keys.sorted { $0.uuidString < $1.uuidString }.map { id in columns.map { stored[id]![$0] } }
            let reference = try Calibration().calibrate(responses: rows, start: columns.map { service.items.parameters(of: $0)! })

            // then the batches change nothing, and the rows read are exactly the ones stored
            #expect(small.items.map(\.after) == whole.items.map(\.after))
            #expect(small.examinees == 400 && whole.examinees == 400)
            #expect(small.items.map(\.id) == columns)
            #expect(small.items.map(\.respondents) == reference.respondents)
            #expect(small.cycles == reference.cycles && abs(small.logLikelihood - reference.logLikelihood) < 1e-6)
            for (got, want) in zip(small.items.map(\.after), reference.items) {
                #expect(abs(got.a - want.a) < 1e-9 && abs(got.b - want.b) < 1e-9, "\(got) vs \(want)")
            }
            #expect(small.tooFewResponses.map(\.id) == ["zz-not-in-the-bank"])
        }
    }
}
