import Foundation
import NIOCore
import NIOPosix
import QianxueCore
import Synchronization
import Testing
@testable import Gateway

/// The plain HTTP/1 client's cap on connections per event loop and host: a burst beyond it waits
/// for a connection instead of opening one each (thousands of messages checked by one moderation
/// endpoint at once), every request is still answered, and one whose deadline passes while it
/// waits fails alone.
@Suite struct PlainHTTP1ClientCapTests {
    /// Answers each request `好的` after `delay`, on a kept-alive connection or closing it after;
    /// counts the connections it accepted and the most it had open at once.
    final class SlowServer: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        final class Counts: Sendable {
            let state = Mutex((accepted: 0, open: 0, most: 0))
        }
        let delay: TimeAmount
        let close: Bool
        let counts: Counts

        init(delay: TimeAmount, close: Bool, counts: Counts) {
            self.delay = delay
            self.close = close
            self.counts = counts
        }

        func channelActive(context: ChannelHandlerContext) {
            counts.state.withLock { $0.accepted += 1; $0.open += 1; $0.most = max($0.most, $0.open) }
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            counts.state.withLock { $0.open -= 1 }
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let requests = String(buffer: unwrapInboundIn(data)).components(separatedBy: " HTTP/1.1\r\n").count - 1
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let close = close
            context.eventLoop.scheduleTask(in: delay) {
                let connection = close ? "Connection: close\r\n" : ""
                for _ in 0..<requests {
                    bound.value.writeAndFlush(NIOAny(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\(connection)Content-Length: 6\r\n\r\n好的")),
                                              promise: nil)
                }
                if close { bound.value.close(promise: nil) }
            }
        }
    }

    final class Collect: OutboundReceiver, @unchecked Sendable {
        var body: [UInt8] = []
        func head(status: Int, contentType: String) throws {}
        func body(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Bool { body += bytes; return true }
        func end() throws {}
    }

    /// `deadlines.count` requests at once from one event loop to a server answering after `delay`,
    /// through a client allowing `cap` connections (with `firstAlone`, the others start once the
    /// server has the first one's connection): each one's answer or error, and the server's counts.
    func burst(cap: Int, delay: TimeAmount, close: Bool, deadlines: [Duration], firstAlone: Bool = false) async throws
        -> (answers: [Result<String, any Error>], accepted: Int, most: Int) {
        let counts = SlowServer.Counts()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SlowServer(delay: delay, close: close, counts: counts))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let client = PlainHTTP1Client(connectTimeout: .seconds(2), maxConnectionsPerLoop: cap)
        defer { client.shutdown() }
        let port = try #require(server.localAddress?.port)
        let address = try #require(PlainHTTP1Client.Address("http://127.0.0.1:\(port)/v1/moderations"))
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let request = OutboundRequest(.post, url: "", body: Array("{}".utf8))
        let answers = await withTaskGroup(of: (Int, Result<String, any Error>).self) { group in
            for (i, deadline) in deadlines.enumerated() {
                if firstAlone && i == 1 {
                    for _ in 0..<2_000 where counts.state.withLock({ $0.accepted }) == 0 { try? await Task.sleep(for: .milliseconds(5)) }
                }
                group.addTask {
                    let receiver = Collect()
                    do {
                        try await client.exchange(request, to: address, on: loop,
                                                  deadline: .now() + .nanoseconds(Int64(deadline / .nanoseconds(1))), receiver: receiver)
                        return (i, .success(String(decoding: receiver.body, as: UTF8.self)))
                    } catch {
                        return (i, .failure(error))
                    }
                }
            }
            var all: [(Int, Result<String, any Error>)] = []
            for await a in group { all.append(a) }
            return all.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let c = counts.state.withLock { $0 }
        return (answers, c.accepted, c.most)
    }

    @Test func aBurstBeyondTheCapWaitsForKeptConnections() async throws {
        let r = try await burst(cap: 2, delay: .milliseconds(50), close: false, deadlines: Array(repeating: .seconds(30), count: 8))
        #expect(r.answers.map { try? $0.get() } == Array(repeating: "好的", count: 8))
        #expect(r.most <= 2 && r.accepted == 2, "accepted \(r.accepted), at most \(r.most) at once")
    }

    @Test func aBurstOnConnectionsTheServerClosesOpensNewOnesWithinTheCap() async throws {
        let r = try await burst(cap: 2, delay: .milliseconds(50), close: true, deadlines: Array(repeating: .seconds(30), count: 8))
        #expect(r.answers.map { try? $0.get() } == Array(repeating: "好的", count: 8))
        #expect(r.accepted == 8 && r.most <= 2, "accepted \(r.accepted), at most \(r.most) at once")
    }

    @Test func aRequestWhoseDeadlinePassesWhileItWaitsFailsAlone() async throws {
        // one connection, answers after 1 s: the second request (started once the first has the
        // connection) may wait only 200 ms; the third waits for the first's connection
        let r = try await burst(cap: 1, delay: .seconds(1), close: false, deadlines: [.seconds(30), .milliseconds(200), .seconds(30)],
                                firstAlone: true)
        #expect((try? r.answers[0].get()) == "好的" && (try? r.answers[2].get()) == "好的")
        guard case .failure(let e) = r.answers[1] else { Issue.record("the second request was answered"); return }
        #expect(e as? OutboundError == .timedOut)
        #expect(r.accepted == 1)
    }

    @Test func aConnectionThatCannotBeOpenedGivesItsPlaceBack() async throws {
        // nothing listens on the port: each request fails to connect, and the next may try at once
        let closed = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(closed.localAddress?.port)
        try await closed.close()
        let client = PlainHTTP1Client(connectTimeout: .seconds(2), maxConnectionsPerLoop: 1)
        defer { client.shutdown() }
        let address = try #require(PlainHTTP1Client.Address("http://127.0.0.1:\(port)/v1/moderations"))
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        // A place kept by a failed connect would leave the next request waiting out its deadline,
        // failing with `.timedOut`; given back, it fails to connect too. The error tells which, not
        // the time taken: the deadline runs on the event loop, where the refusal comes at once,
        // while this task may wait long to resume in a loaded run (CI measured 17 s for the three).
        for attempt in 0..<3 {
            do {
                try await client.exchange(OutboundRequest(.post, url: ""), to: address, on: loop, deadline: .now() + .seconds(30), receiver: Collect())
                Issue.record("a request to a closed port was answered")
            } catch let e as OutboundError {
                guard case .connection = e else { Issue.record("request \(attempt + 1): \(e), not a refused connection"); continue }
            }
        }
    }

    @Test func shuttingDownFailsTheWaitingRequests() async throws {
        let counts = SlowServer.Counts()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SlowServer(delay: .seconds(2), close: false, counts: counts))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        let client = PlainHTTP1Client(connectTimeout: .seconds(2), maxConnectionsPerLoop: 1)
        let address = try #require(PlainHTTP1Client.Address("http://127.0.0.1:\(port)/v1/moderations"))
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let request = OutboundRequest(.post, url: "", body: Array("{}".utf8))
        // one request holds the connection for 2 s, the second waits for it
        let first = Task { try await client.exchange(request, to: address, on: loop, deadline: .now() + .seconds(30), receiver: Collect()) }
        try await Task.sleep(for: .milliseconds(50))
        let waiting = Task { try await client.exchange(request, to: address, on: loop, deadline: .now() + .seconds(30), receiver: Collect()) }
        try await Task.sleep(for: .milliseconds(50))
        client.shutdown()
        // failed by the shutdown, not at its deadline (30 s), which would be `.timedOut`
        await #expect(throws: OutboundError.connection("the platform is shutting down")) { try await waiting.value }
        try await first.value           // the request under way is answered
    }
}
