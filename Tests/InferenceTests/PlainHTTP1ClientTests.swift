import Foundation
import NIOCore
import NIOPosix
import QianxueCore
import Testing
@testable import Gateway

/// The plain HTTP/1 client that carries `http://` requests (issue 5): what it keeps between
/// requests. Faults mid-answer (resets, garbage, hangs, endless output) are OpenAIFaultTests'; a
/// connection closed as a request arrives is ClosingEndpointTests'.
@Suite struct PlainHTTP1ClientTests {
    /// How the server below answers.
    enum Manner: Sendable {
        case keepAlive
        /// `Connection: close`, then closes.
        case close
        /// `100 Continue` first.
        case interim
        /// Answers, then closes the connection 50 ms later without saying so.
        case closeWhenIdle
        /// A chunked answer whose last event (`[DONE]`) comes in one write with the body's end.
        case doneWithTheEnd
        /// A chunked answer that says `[DONE]` and then never ends.
        case doneWithoutAnEnd
        /// A chunked answer whose end comes 20 ms after `[DONE]`, in a write of its own (llama.cpp
        /// writes it apart too).
        case doneThenTheEnd
    }

    /// Answers every request (a request line ends its head; the requests here have small bodies
    /// that arrive with it) with `好的`, and counts the connections it accepted.
    final class Server: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let manner: Manner
        init(_ manner: Manner) { self.manner = manner }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let text = String(buffer: unwrapInboundIn(data))
            for _ in 0..<text.components(separatedBy: " HTTP/1.1\r\n").count - 1 { answer(context) }
        }

        private func answer(_ context: ChannelHandlerContext) {
            let body = "好的"
            let close = manner == .close ? "Connection: close\r\n" : ""
            let interim = manner == .interim ? "HTTP/1.1 100 Continue\r\n\r\n" : ""
            var text = interim + "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\(close)Content-Length: \(body.utf8.count)\r\n\r\n" + body
            if manner == .doneWithTheEnd || manner == .doneWithoutAnEnd || manner == .doneThenTheEnd {
                func chunk(_ s: String) -> String { String(s.utf8.count, radix: 16) + "\r\n" + s + "\r\n" }
                text = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk("data: 好的\n\n")
                    + chunk("data: [DONE]\n\n") + (manner == .doneWithTheEnd ? "0\r\n\r\n" : "")
            }
            context.writeAndFlush(NIOAny(ByteBuffer(string: text)), promise: nil)
            switch manner {
            case .close: context.close(promise: nil)
            case .closeWhenIdle:
                let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(50)) { loopBound.value.close(promise: nil) }
            case .doneThenTheEnd:
                let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(20)) {
                    loopBound.value.writeAndFlush(NIOAny(ByteBuffer(string: "0\r\n\r\n")), promise: nil)
                }
            case .keepAlive, .interim, .doneWithTheEnd, .doneWithoutAnEnd: break
            }
        }
    }

    /// Reads events up to `[DONE]` and wants no more after it, as the inference client does.
    final class UntilDone: OutboundReceiver, @unchecked Sendable {
        var text = ""
        func head(status: Int, contentType: String) throws {}
        func body(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Bool {
            text += String(decoding: bytes, as: UTF8.self)
            return !text.contains("[DONE]")
        }
        func end() throws {}
    }

    /// Three streamed requests from one event loop, `pause` apart: what each receiver read, and the
    /// connections.
    func threeStreams(_ manner: Manner, pause: Duration = .zero) async throws -> (texts: [String], connections: Int) {
        try await three(manner, pause: pause) { transport, request in
            let receiver = UntilDone()
            try await transport.send(request, timeout: .seconds(5), to: receiver)
            return receiver.text
        }
    }

    @Test func aConnectionWhoseAnswerEndedWithItsDoneEventIsKept() async throws {
        let r = try await threeStreams(.doneWithTheEnd)
        #expect(r.texts.allSatisfy { $0.contains("data: 好的") && $0.contains("[DONE]") })
        #expect(r.connections == 1, "the body's end came with [DONE]: the connection carries the next request")
    }

    @Test func aConnectionWhoseEndComesJustAfterDoneIsKept() async throws {
        // the next request comes after the drain is settled (600 ms apart): it finds the connection idle
        let r = try await threeStreams(.doneThenTheEnd, pause: .milliseconds(600))
        #expect(r.texts.allSatisfy { $0.contains("data: 好的") && $0.contains("[DONE]") })
        #expect(r.connections == 1)
    }

    @Test func aConnectionWhoseAnswerGoesOnAfterDoneIsClosedNotWaitedOn() async throws {
        // a request that waited for the end that never comes would fail with its 5 s deadline; the
        // connection it leaves is not taken by the next (it waits for its end, then is closed)
        let r = try await threeStreams(.doneWithoutAnEnd)
        #expect(r.texts.allSatisfy { $0.contains("[DONE]") })
        #expect(r.connections == 3)
    }

    static func serve(_ manner: Manner, connections: ClosingEndpointTests.Count) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                connections.value.withLock { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Server(manner)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// Sends three requests one after another from one event loop, `pause` apart; the bodies of
    /// the answers and the number of connections the server accepted.
    func threeRequests(_ manner: Manner, pause: Duration = .zero) async throws -> (bodies: [String], connections: Int) {
        try await three(manner, pause: pause) { transport, request in
            let answer = try await transport.send(request, timeout: .seconds(5), limit: 1_000)
            #expect(answer.status == 200 && answer.contentType == "text/plain")
            return String(decoding: answer.body, as: UTF8.self)
        }
    }

    /// Three exchanges with a server answering in `manner`, from one event loop, `pause` apart:
    /// what each read, and the connections the server accepted.
    func three(_ manner: Manner, pause: Duration = .zero,
               _ exchange: (HTTPOutboundTransport, OutboundRequest) async throws -> String) async throws -> ([String], Int) {
        let connections = ClosingEndpointTests.Count()
        let server = try await Self.serve(manner, connections: connections)
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        let transport = HTTPOutboundTransport()
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let request = OutboundRequest(.post, url: "http://127.0.0.1:\(port)/v1/chat/completions", body: Array("{}".utf8))
        var answers: [String] = []
        for _ in 0..<3 {
            answers.append(try await OutboundAffinity.$eventLoop.withValue(loop) { try await exchange(transport, request) })
            try await Task.sleep(for: pause)
        }
        await transport.shutdown()
        return (answers, connections.value.withLock { $0 })
    }

    @Test func aKeptAliveConnectionCarriesTheNextRequestFromTheSameLoop() async throws {
        let r = try await threeRequests(.keepAlive)
        #expect(r.bodies == ["好的", "好的", "好的"])
        #expect(r.connections == 1)
    }

    @Test func anAnswerThatClosesItsConnectionIsNotReusedFrom() async throws {
        let r = try await threeRequests(.close)
        #expect(r.bodies == ["好的", "好的", "好的"])
        #expect(r.connections == 3)
    }

    @Test func aConnectionTheServerClosedWhileIdleIsNotTaken() async throws {
        let r = try await threeRequests(.closeWhenIdle, pause: .milliseconds(300))
        #expect(r.bodies == ["好的", "好的", "好的"])
        #expect(r.connections == 3)
    }

    @Test func anInterimAnswerIsPassedOver() async throws {
        let r = try await threeRequests(.interim)
        #expect(r.bodies == ["好的", "好的", "好的"])
        #expect(r.connections == 1)
    }

    @Test func onlyPlainHTTPAddressesAreTakenByTheClient() {
        #expect(PlainHTTP1Client.Address("http://127.0.0.1:8081/v1/chat/completions")?.target == "/v1/chat/completions")
        #expect(PlainHTTP1Client.Address("http://example.org/v1/models?x=1")?.hostHeader == "example.org")
        #expect(PlainHTTP1Client.Address("http://example.org/v1/models?x=1")?.target == "/v1/models?x=1")
        #expect(PlainHTTP1Client.Address("http://[::1]:9000/v1")?.hostHeader == "[::1]:9000")
        #expect(PlainHTTP1Client.Address("https://example.org/v1") == nil, "TLS goes over AsyncHTTPClient")
        #expect(PlainHTTP1Client.Address("http://user:pw@example.org/v1") == nil)
        // as the transport asks, once parsed and then remembered
        let client = PlainHTTP1Client(connectTimeout: .seconds(1))
        for _ in 0..<2 {
            #expect(client.address("http://127.0.0.1:8081/v1/chat/completions") == PlainHTTP1Client.Address("http://127.0.0.1:8081/v1/chat/completions"))
            #expect(client.address("https://example.org/v1") == nil)
        }
    }
}
