import Gateway
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import Inference

/// A server that closes a connection as a request arrives on it, without answering — as llama.cpp's
/// server does to a keep-alive connection it has finished with — then answers on the next one. With
/// the request unread the close may be a reset (ECONNRESET on the client's read, as seen on the CI
/// machine) or an orderly end; `reset` forces the first (SO_LINGER 0).
@Suite struct ClosingEndpointTests {
    /// Closes the first `closing` connections when their first bytes arrive; answers on the others
    /// with one non-streamed completion.
    final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let connections: Count
        let closing: Int
        let reset: Bool

        init(connections: Count, closing: Int, reset: Bool) {
            self.connections = connections
            self.closing = closing
            self.reset = reset
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let n = connections.value.withLock { $0 }
            guard n > closing else {
                if reset, let socket = context.channel as? any SocketOptionProvider {
                    socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in context.close(promise: nil) }
                } else {
                    context.close(promise: nil)
                }
                return
            }
            let body = #"{"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"好的"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
            context.writeAndFlush(NIOAny(ByteBuffer(string: head + body)), promise: nil)
        }
    }

    /// Connections accepted so far.
    final class Count: Sendable {
        let value = Mutex(0)
    }

    /// An endpoint on loopback that closes the first `closing` connections.
    static func endpoint(closing: Int, reset: Bool = false, _ connections: Count) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                connections.value.withLock { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Handler(connections: connections, closing: closing, reset: reset)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    @Test(arguments: [false, true])
    func aConnectionClosedAsTheRequestGoesOutIsTriedOnceMoreOnANewOne(reset: Bool) async throws {
        // given an endpoint that closes (or resets) the first connection on the request's arrival
        let connections = Count()
        let server = try await Self.endpoint(closing: 1, reset: reset, connections)
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        let provider = OpenAICompatibleProvider(endpoint: try InferenceEndpoint(baseURL: "http://127.0.0.1:\(port)/v1", model: "m", apiKey: nil),
                                                transport: OpenAIFaultTests.transport, settings: OpenAISettings())

        // when a completion is asked for
        let answer = try await provider.complete(ChatRequest(messages: [.init(.user, "hi")], maxCompletionTokens: 8))

        // then it is answered, on the second connection
        #expect(answer.text == "好的")
        #expect(connections.value.withLock { $0 } == 2)
    }

    @Test(arguments: [false, true])
    func anEndpointThatKeepsClosingIsAConnectionErrorAfterTheSecondTry(reset: Bool) async throws {
        let connections = Count()
        let server = try await Self.endpoint(closing: 100, reset: reset, connections)
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        let provider = OpenAICompatibleProvider(endpoint: try InferenceEndpoint(baseURL: "http://127.0.0.1:\(port)/v1", model: "m", apiKey: nil),
                                                transport: OpenAIFaultTests.transport, settings: OpenAISettings())
        await #expect(throws: InferenceError.self) {
            _ = try await provider.complete(ChatRequest(messages: [.init(.user, "hi")], maxCompletionTokens: 8))
        }
        #expect(connections.value.withLock { $0 } == 2)
    }
}
