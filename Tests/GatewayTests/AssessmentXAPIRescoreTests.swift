import Assessment
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Testing
import TestSupport

/// xAPI statements are immutable: a teacher's score, and the rescore of a finished test it brings,
/// are statements of their own with ids of their own; reading again gives the same statements, the
/// `completed` statement keeps the result at completion, and a later score never reuses an id.
@Suite struct AssessmentXAPIRescoreTests {
    func statements(_ client: some TestClientProtocol, _ admin: String) async throws -> [[String: Any]] {
        var uri = "/v1/xapi/statements?limit=500"
        var all: [[String: Any]] = []
        while !uri.isEmpty {
            let page = try await client.execute(uri: uri, method: .get, headers: bearer(admin)) { $0 }
            #expect(page.status == .ok, "\(page.text)")
            all += page.json["statements"] as? [[String: Any]] ?? []
            uri = page.json["more"] as? String ?? ""
        }
        return all
    }

    static func verb(_ s: [String: Any]) -> String {
        ((s["verb"] as? [String: Any])?["id"] as? String)?.split(separator: "/").last.map(String.init) ?? ""
    }

    static func theta(_ s: [String: Any]) -> Double? {
        ((s["result"] as? [String: Any])?["extensions"] as? [String: Any])?[XAPIStatement.thetaExtension] as? Double
    }

    static func isTest(_ s: [String: Any]) -> Bool {
        ((s["object"] as? [String: Any])?["id"] as? String)?.contains("/items/") == false
    }

    func score(_ client: some TestClientProtocol, _ token: String, _ id: String, _ points: Int) async throws {
        let r = try await client.execute(uri: "/v1/assessment/responses/\(id)/score", method: .put, headers: jsonHeaders(token),
                                         body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: ["points": points]))) { $0 }
        #expect(r.status == .ok, "\(r.text)")
    }

    func jsonHeaders(_ token: String) -> HTTPFields {
        var h = bearer(token)
        h[.contentType] = "application/json"
        return h
    }

    @Test(arguments: TestDatabase.engines)
    func aRescoreIsAStatementOfItsOwnAndNoIdChangesItsContent(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                // given a student who finished the junior pre-test with written answers waiting
                let c = try await AssessmentFormTests.juniorClass(f, client)
                let form = try #require(GatewayFixture.shippedForms.first { $0.band == .junior && $0.purpose == .pre })
                #expect(try await AssessmentFormTests.openWindow(client, c, formId: form.id).status == .created)
                let started = try await AssessmentFlowTests().post(client, c.studentToken, "/v1/assessment/attempts", ["kind": "form"])
                _ = try await AssessmentFormTests.sitToTheEnd(client, c.studentToken, started.json)
                let admin = try await f.token(client, f.admin)
                let before = try await statements(client, admin)
                let completed = try #require(before.first { Self.verb($0) == "completed" })
                let thetaAtCompletion = try #require(Self.theta(completed))
                #expect(!before.contains { Self.verb($0) == "scored" })

                // when the teacher gives a written answer full marks, then changes it to 0
                let pending = try await client.execute(uri: "/v1/classes/\(c.id)/written-responses", method: .get, headers: bearer(c.teacherToken)) { $0 }
                let written = try #require((pending.json["items"] as? [[String: Any]])?.first)
                let id = try #require(written["id"] as? String)
                let max = try #require((written["rubric"] as? [String: Any])?["maxPoints"] as? Int)
                try await score(client, c.teacherToken, id, max)
                let afterFirst = try await statements(client, admin)
                try await Task.sleep(for: .milliseconds(5))   // a later instant, at the statements' precision
                try await score(client, c.teacherToken, id, 0)
                let afterSecond = try await statements(client, admin)

                // then each score is a statement of the item, and each rescore one of the test, with new ids
                let firstScores = afterFirst.filter { Self.verb($0) == "scored" }
                let secondScores = afterSecond.filter { Self.verb($0) == "scored" }
                #expect(firstScores.count == 2 && secondScores.count == 2, "\(firstScores.count) \(secondScores.count)")
                let firstRescore = try #require(firstScores.first(where: Self.isTest))
                let secondRescore = try #require(secondScores.first(where: Self.isTest))
                #expect(firstRescore["id"] as? String != secondRescore["id"] as? String)
                #expect(try #require(Self.theta(firstRescore)) > thetaAtCompletion)
                #expect(try #require(Self.theta(secondRescore)) < (Self.theta(firstRescore) ?? 0))
                let firstItemScore = try #require(firstScores.first { !Self.isTest($0) })
                let secondItemScore = try #require(secondScores.first { !Self.isTest($0) })
                #expect(firstItemScore["id"] as? String != secondItemScore["id"] as? String)

                // and no id stands for two contents across the three readings; completed keeps its result
                var seen: [String: String] = [:]
                for s in before + afterFirst + afterSecond {
                    let id = try #require(s["id"] as? String)
                    let body = String(decoding: try JSONSerialization.data(withJSONObject: s, options: [.sortedKeys]), as: UTF8.self)
                    if let earlier = seen[id] { #expect(earlier == body, "statement \(id) changed") } else { seen[id] = body }
                }
                let completedAfter = try #require(afterSecond.first { Self.verb($0) == "completed" })
                #expect(Self.theta(completedAfter) == thetaAtCompletion)
            }
        }
    }
}
