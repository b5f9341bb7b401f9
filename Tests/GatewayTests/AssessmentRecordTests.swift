import Assessment
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Registry
import Testing
import TestSupport

/// The AI-literacy record for the comprehensive quality evaluation, as JSON and as a printable page.
@Suite struct AssessmentRecordTests {
    func get(_ client: some TestClientProtocol, _ token: String, _ uri: String, accept: String? = nil) async throws -> TestResponse {
        var headers = bearer(token)
        if let accept { headers[.accept] = accept }
        return try await client.execute(uri: uri, method: .get, headers: headers) { $0 }
    }

    @Test(arguments: TestDatabase.engines)
    func theRecordListsEveryAttemptTheLevelsOverTimeAndPrints(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                // given a student (with markup in the name) who sat the pre-test and then an adaptive test
                let flow = AssessmentFlowTests()
                let c = try await AssessmentFormTests.juniorClass(f, client, username: "student.record", displayName: "吴<b>晓</b>梅")
                let form = try #require(GatewayFixture.shippedForms.first { $0.band == .junior && $0.purpose == .pre })
                #expect(try await AssessmentFormTests.openWindow(client, c, formId: form.id).status == .created)
                let pre = try await flow.post(client, c.studentToken, "/v1/assessment/attempts", ["kind": "form"])
                _ = try await AssessmentFormTests.sitToTheEnd(client, c.studentToken, pre.json)
                let adaptive = try await flow.post(client, c.studentToken, "/v1/assessment/attempts", ["kind": "adaptive"])
                _ = try await AssessmentFormTests.sitToTheEnd(client, c.studentToken, adaptive.json)
                let uri = "/v1/students/\(c.student.id)/literacy/record"

                // when the teacher reads the record as JSON
                let json = try await get(client, c.teacherToken, uri)
                #expect(json.status == .ok, "\(json.text)")
                // then both attempts are there, oldest first, with the form named and four dimensions of two points each
                let attempts = try #require(json.json["attempts"] as? [[String: Any]])
                #expect(attempts.map { $0["kind"] as? String } == ["form", "adaptive"])
                #expect(attempts.first?["formTitle"] as? String == form.title)
                let dimensions = try #require(json.json["dimensions"] as? [[String: Any]])
                #expect(dimensions.count == 4 && dimensions.allSatisfy { ($0["points"] as? [[String: Any]])?.count == 2 })
                #expect(json.json["school"] as? String == f.schoolA.name && json.json["band"] as? String == "junior")

                // and as a page, asked for by Accept or by format, with the name escaped and the chart drawn
                let page = try await get(client, c.studentToken, uri, accept: "text/html,application/xhtml+xml,*/*;q=0.8")
                #expect(page.status == .ok && page.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(page.text.contains("人工智能素养记录") && page.text.contains("<svg") && page.text.contains(form.title))
                #expect(page.text.contains("吴&lt;b&gt;晓&lt;/b&gt;梅") && !page.text.contains("<b>晓"))
                #expect(page.text.components(separatedBy: "<polyline").count == 5)
                let byQuery = try await get(client, c.studentToken, uri + "?format=html")
                #expect(byQuery.headers[.contentType]?.hasPrefix("text/html") == true)
                // a client that takes only HTML but asks for JSON is told so, not sent what it cannot read
                #expect(try await get(client, c.studentToken, uri + "?format=json", accept: "text/html").isProblem(.validation))
                if let path = ProcessInfo.processInfo.environment["QIANXUE_RECORD_PAGE"] {
                    try page.text.write(toFile: path, atomically: true, encoding: .utf8)
                }

                // another school's student and a bad id are refused
                #expect(try await get(client, try await f.token(client, f.studentB), uri).isProblem(.notFound))
                #expect(try await get(client, c.teacherToken, "/v1/students/not-an-id/literacy/record").isProblem(.validation))
            }
        }
    }
}
