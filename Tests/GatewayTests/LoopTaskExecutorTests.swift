import NIOCore
import NIOEmbedded
import NIOPosix
import Testing
@testable import Gateway

/// A streaming route's request is handled on its connection's event loop (issue 5).
struct LoopTaskExecutorTests {
    actor Counter {
        var n = 0
        func add() -> Int { n += 1; return n }
    }

    @Test func aTaskPreferringTheExecutorRunsOnItsLoopAcrossAwaits() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let counter = Counter()
        let seen = await withTaskExecutorPreference(LoopTaskExecutor.on(loop)) {
            var seen = [loop.inEventLoop]
            await Task.yield()
            seen.append(loop.inEventLoop)
            try? await Task.sleep(for: .milliseconds(5))
            seen.append(loop.inEventLoop)
            _ = await counter.add()              // a default actor's job runs on the preferred executor too
            seen.append(loop.inEventLoop)
            seen.append(await Task.detached { loop.inEventLoop }.value)   // a detached task does not inherit it
            return seen
        }
        #expect(seen == [true, true, true, true, false])
        #expect(!loop.inEventLoop)
    }

    @Test func oneExecutorALoop() {
        let loops = MultiThreadedEventLoopGroup.singleton.makeIterator().map { $0 }
        #expect(LoopTaskExecutor.on(loops[0]) === LoopTaskExecutor.on(loops[0]))
        if loops.count > 1 { #expect(LoopTaskExecutor.on(loops[0]) !== LoopTaskExecutor.on(loops[1])) }
    }

    @Test func onlyTheStreamingRoutesOfAClientsConnection() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(to: try #require(server.localAddress)).get()
        defer { client.close(promise: nil) }

        let chat = LoopTaskExecutor.serving(.post, "/v1/inference/chat", on: client)
        #expect(chat?.loop === client.eventLoop)
        #expect(LoopTaskExecutor.serving(.post, "/v1/companion/sessions/3f2a7c1e-0000-4000-8000-000000000001/messages", on: client) != nil)
        // other routes, other methods, and a channel that is no client's connection (router testing)
        #expect(LoopTaskExecutor.serving(.get, "/v1/companion/sessions/3f2a7c1e-0000-4000-8000-000000000001/messages", on: client) == nil)
        #expect(LoopTaskExecutor.serving(.post, "/v1/reports/regional", on: client) == nil)
        #expect(LoopTaskExecutor.serving(.post, "/v1/companion/sessions", on: client) == nil)
        #expect(LoopTaskExecutor.serving(.post, "/v1/inference/chat", on: EmbeddedChannel()) == nil)
    }
}
