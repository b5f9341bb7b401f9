import Foundation
import HTTPTypes
import HummingbirdTesting
import Inference
import NIOCore
import SQLKit
import QianxueCore
import Testing
import TestSupport

@Suite struct InferenceLedgerTests {
    @Test(arguments: TestDatabase.engines)
    func everyAnswerAndRefusalIsRecordedOnceWithTheSchoolsDailyRollup(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let teacher = try await f.token(client, f.teacherA)
                var headers = bearer(teacher)
                headers[.contentType] = "application/json"
                for message in ["侗族大歌是什么？", "遵义会议在哪里开的？我的电话是13812345678", "我不想活了"] {
                    let body = try JSONSerialization.data(withJSONObject: ["messages": [["role": "user", "content": message]]])
                    try await client.execute(uri: "/v1/inference/chat", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { r in
                        #expect(r.status == .ok)
                    }
                }
                // a refused request (empty) is not an answer and is not recorded
                let empty = try JSONSerialization.data(withJSONObject: ["messages": [["role": "user", "content": " "]]])
                try await client.execute(uri: "/v1/inference/chat", method: .post, headers: headers, body: ByteBuffer(bytes: empty)) { r in
                    #expect(r.status == .badRequest)
                }
                // (inside the test: the application closes the database when it stops); the ledger
                // writes in batches, so what waits is stored first
                await f.platform.inference.flushLedger()
                let ledger = SQLInferenceLedger(database: f.platform.database)
                let usage = try await ledger.usage(school: f.schoolA.id, day: PlatformCalendar.day(of: Date()))
                #expect(usage.requests == 3)
                #expect(usage.refused == 1)
                #expect(usage.completionTokens > 0, "the offline provider's estimate counts")
                #expect(try await ledger.usage(school: f.schoolB.id, day: PlatformCalendar.day(of: Date())).requests == 0)
                // every safety decision is recorded with its request: category and severity, never the text or the number
                let decisions = try await ledger.decisionCounts(day: PlatformCalendar.day(of: Date()))
                #expect(decisions["input selfHarm/high"] == 1)
                #expect(decisions["pii personalData/medium"] == 1 || decisions["pii personalData/high"] == 1 || decisions["pii personalData/low"] == 1,
                        "\(decisions)")
                let raw = try await f.platform.database.sql.raw("SELECT rule_id FROM inference_safety_decisions").all()
                #expect(raw.count >= 2)
                #expect(try raw.allSatisfy { !(try $0.decode(column: "rule_id", as: String.self)).contains("13812345678") })
            }
        }
    }
}
