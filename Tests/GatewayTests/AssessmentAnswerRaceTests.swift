import Assessment
import SQLKit
import Foundation
import HummingbirdTesting
import NIOCore
import QianxueCore
import Registry
import Testing
import TestSupport

/// The same answer sent several times at once (a double tap, a client retrying on a slow network):
/// one is stored, the others get 409, and the attempt moves on by one item.
@Suite struct AssessmentAnswerRaceTests {
    @Test(arguments: TestDatabase.engines)
    func answersRacingInForOneItemAreStoredOnce(engine: DatabaseEngine) async throws {
        let flow = AssessmentFlowTests()
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let (_, _, token, _) = try await flow.classSittingTheTest(f, client, student: "student.race", className: "8-6")
                let started = try await flow.post(client, token, "/v1/assessment/attempts", ["kind": "adaptive"])
                let id = try #require(started.json["id"] as? String)
                var item = try #require((started.json["item"] as? [String: Any])?["id"] as? String)

                let student = try await f.platform.accounts.authenticate(token: token).principal
                let attempt = try #require(UUID(uuidString: id))
                // SQLite serialises the racers on its one connection: fewer of them keep the test
                // inside the pool's wait when the machine is busy.
                let racers = engine == .sqlite ? 3 : 6
                for round in 0..<3 {
                    let answer = Self.itemAnswer(flow.answer(for: item, correct: round % 2 == 0))
                    let assessment = f.platform.assessment, shown = item
                    let outcomes = await withTaskGroup(of: String.self) { group in
                        for _ in 0..<racers {
                            group.addTask {
                                // SQLite's one connection can keep a racer waiting past the pool's limit on a
                                // busy machine (the gateway answers that 503 with Retry-After): it tries again.
                                for _ in 0..<3 {
                                    do {
                                        _ = try await assessment.answer(attempt, itemID: shown, answer: answer, by: student)
                                        return "stored"
                                    } catch let e as AppError {
                                        return e.type.rawValue
                                    } catch where "\(error)".contains("connectionRequestTimeout") {
                                        continue
                                    } catch {
                                        return "\(error)"
                                    }
                                }
                                return "connectionRequestTimeout"
                            }
                        }
                        return await group.reduce(into: [String]()) { $0.append($1) }
                    }
                    #expect(outcomes.filter { $0 == "stored" }.count == 1, "round \(round): \(outcomes)")
                    #expect(outcomes.filter { $0 == ProblemType.conflict.rawValue }.count == racers - 1, "round \(round): \(outcomes)")
                    let now = try await client.execute(uri: "/v1/assessment/attempts/\(id)", method: .get, headers: bearer(token)) { $0 }
                    #expect(now.json["answered"] as? Int == round + 1, "\(now.text)")
                    item = try #require((now.json["item"] as? [String: Any])?["id"] as? String)
                }
                let stored = try await f.platform.database.sql.raw("""
                    SELECT seq, item_id FROM assessment_responses WHERE attempt_id = \(bind: UUID(uuidString: id)!) ORDER BY seq
                    """).all()
                #expect(try stored.map { try $0.decode(column: "seq", as: Int.self) } == [1, 2, 3])
            }
        }
    }

    /// Two gateway instances on one database: the first keeps the attempt as it stored it (on
    /// PostgreSQL it answers from that), the second moves the attempt on behind its back. The first
    /// then refuses the item the second answered (409, the attempt unchanged) and takes the item the
    /// attempt asks now; every answer is stored once, in order.
    @Test(arguments: TestDatabase.engines)
    func anAttemptMovedOnByAnotherInstanceIsReadAgain(engine: DatabaseEngine) async throws {
        let flow = AssessmentFlowTests()
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let (_, _, token, _) = try await flow.classSittingTheTest(f, client, student: "student.twogateways", className: "8-7")
                let started = try await flow.post(client, token, "/v1/assessment/attempts", ["kind": "adaptive"])
                let id = try #require(started.json["id"] as? String)
                let attempt = try #require(UUID(uuidString: id))
                let first = try #require((started.json["item"] as? [String: Any])?["id"] as? String)
                let student = try await f.platform.accounts.authenticate(token: token).principal
                let one = f.platform.assessment
                let other = AssessmentService(database: f.platform.database, registry: f.platform.registry, audit: f.platform.audit,
                                              items: one.items, configuration: one.configuration)
                func answer(_ service: AssessmentService, _ item: String) async throws -> AttemptView {
                    try await service.answer(attempt, itemID: item, answer: Self.itemAnswer(flow.answer(for: item, correct: true)), by: student)
                }
                let second = try #require(try await answer(one, first).item?.id)
                let third = try #require(try await answer(other, second).item?.id)
                // The first instance last stored the attempt waiting on `second`.
                do {
                    _ = try await answer(one, second)
                    Issue.record("the first instance stored an answer to an item the attempt had taken already")
                } catch let e as AppError {
                    #expect(e.type == .conflict, "\(e)")
                }
                #expect(try await one.attempt(attempt, by: student).answered == 2)
                let after = try await answer(one, third)
                #expect(after.answered == 3)
                #expect(try await other.attempt(attempt, by: student).item?.id == after.item?.id)
                let stored = try await f.platform.database.sql.raw("""
                    SELECT seq, item_id FROM assessment_responses WHERE attempt_id = \(bind: attempt) ORDER BY seq
                    """).all()
                #expect(try stored.map { try $0.decode(column: "seq", as: Int.self) } == [1, 2, 3])
                #expect(try stored.map { try $0.decode(column: "item_id", as: String.self) } == [first, second, third])
            }
        }
    }

    /// The answer body of `AssessmentFlowTests.answer(for:correct:)` as the service takes it.
    static func itemAnswer(_ body: [String: Any]) -> ItemAnswer {
        if let c = body["choice"] as? String { return .choice(c) }
        if let cs = body["choices"] as? [String] { return .choices(Set(cs)) }
        if let o = body["order"] as? [String] { return .order(o) }
        return .text(body["text"] as? String ?? "")
    }
}
