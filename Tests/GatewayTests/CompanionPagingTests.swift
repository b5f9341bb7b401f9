import Foundation
import HummingbirdTesting
import Testing
import TestSupport

/// The companion's lists newest first, page by page: every row once, in order, with a token that
/// continues after the last row even when rows share a creation time.
@Suite struct CompanionPagingTests {
    let flow = CompanionFlowTests()

    /// Walks a list to its end; the ids of every page in order.
    func walk(_ client: some TestClientProtocol, _ token: String, _ uri: String, pageSize: Int) async throws -> [[String]] {
        var pages: [[String]] = []
        var next: String?
        repeat {
            let sep = uri.contains("?") ? "&" : "?"
            let url = uri + sep + "pageSize=\(pageSize)" + (next.map { "&pageToken=\($0)" } ?? "")
            let r = try await flow.get(client, token, url)
            #expect(r.status == .ok, "\(r.text)")
            pages.append((r.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
            next = r.json["nextPageToken"] as? String
        } while next != nil && pages.count < 20
        return pages
    }

    @Test(arguments: TestDatabase.engines)
    func assignmentsAndSessionsPageNewestFirstWithoutGapsOrRepeats(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let p = try await flow.people(f, client)
                // given five assignments of the grade-8 class, made one after another
                var made: [String] = []
                for _ in 0..<5 {
                    let a = try await flow.post(client, p.teacher, "/v1/assignments", ["classId": p.class8.uuidString, "lessonSlug": "jr-ai-and-jobs", "companionMode": "open"])
                    #expect(a.status == .created, "\(a.text)")
                    if a.status != .created { return }
                    made.append(try #require(a.json["id"] as? String))
                }
                // when they are listed two at a time
                let pages = try await walk(client, p.teacher, "/v1/assignments?classId=\(p.class8)", pageSize: 2)
                // then three pages, newest first, each once
                #expect(pages.map(\.count) == [2, 2, 1])
                #expect(pages.flatMap { $0 } == made.reversed())

                // and a student's sessions likewise
                var sessions: [String] = []
                for _ in 0..<3 {
                    let s = try await flow.post(client, p.grade8, "/v1/companion/sessions", ["lessonSlug": "jr-ai-and-jobs"])
                    #expect(s.status == .created, "\(s.text)")
                    let id = try #require(s.json["id"] as? String)
                    sessions.append(id)
                    _ = try await flow.post(client, p.grade8, "/v1/companion/sessions/\(id)/close")
                }
                let sessionPages = try await walk(client, p.grade8, "/v1/companion/sessions", pageSize: 2)
                #expect(sessionPages.map(\.count) == [2, 1])
                #expect(sessionPages.flatMap { $0 } == sessions.reversed())

                // a token of another list (a message number) is refused as bad input, not read as the first page
                let bad = try await flow.get(client, p.teacher, "/v1/assignments?classId=\(p.class8)&pageToken=p1.MTI")
                #expect(bad.isProblem(.validation), "\(bad.text)")
            }
        }
    }
}
