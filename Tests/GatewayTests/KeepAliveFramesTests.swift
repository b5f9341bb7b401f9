import Foundation
@testable import Gateway
import OpenAPIRuntime
import Testing

/// A silent stretch of an event stream carries keep-alive comments; the events themselves arrive
/// unchanged and in order, SSE readers see only them, and the stream ends when its events end.
@Suite struct KeepAliveFramesTests {
    static func frame(_ name: String, _ json: String) -> ArraySlice<UInt8> {
        ArraySlice("event: \(name)\ndata: \(json)\n\n".utf8)
    }

    /// Two events with a quiet stretch of `quiet` between them.
    static func upstream(quiet: Duration) -> AsyncStream<ArraySlice<UInt8>> {
        AsyncStream { out in
            let task = Task {
                out.yield(frame("delta", #"{"text":"一"}"#))
                try? await Task.sleep(for: quiet)
                out.yield(frame("done", #"{"messageId":"m"}"#))
                out.finish()
            }
            out.onTermination = { _ in task.cancel() }
        }
    }

    @Test func aQuietStretchCarriesCommentsAndTheEventsAreUnchanged() async throws {
        var seen: [ArraySlice<UInt8>] = []
        for await f in KeepAliveFrames.frames(Self.upstream(quiet: .milliseconds(600)), every: .milliseconds(100)) { seen.append(f) }

        let events = seen.filter { $0 != KeepAliveFrames.comment }
        #expect(events == [Self.frame("delta", #"{"text":"一"}"#), Self.frame("done", #"{"messageId":"m"}"#)])
        // the comments stand between the two events, none after the last
        let first = try #require(seen.firstIndex(of: events[0]))
        let last = try #require(seen.firstIndex(of: events[1]))
        #expect(last == seen.count - 1)
        #expect(seen[(first + 1)..<last].count >= 2, "600 ms of silence with a 100 ms interval gave \(seen.count - 2) comments")
        #expect(seen[(first + 1)..<last].allSatisfy { $0 == KeepAliveFrames.comment })
    }

    @Test func aBusyStreamCarriesNoComments() async throws {
        var seen: [ArraySlice<UInt8>] = []
        for await f in KeepAliveFrames.frames(Self.upstream(quiet: .milliseconds(5)), every: .seconds(30)) { seen.append(f) }
        #expect(seen.count == 2 && !seen.contains(KeepAliveFrames.comment))
    }

    @Test func readersOfTheStreamSeeOnlyTheNamedEvents() async throws {
        var bytes: [UInt8] = []
        for await f in KeepAliveFrames.frames(Self.upstream(quiet: .milliseconds(300)), every: .milliseconds(50)) { bytes += f }
        #expect(bytes.count > 3 * KeepAliveFrames.comment.count)

        var named: [String] = []
        for try await e in HTTPBody(bytes).asDecodedServerSentEvents() {
            if let name = e.event { named.append(name) } else { #expect(e.data == nil) }
        }
        #expect(named == ["delta", "done"])
    }
}
