import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import Inference

/// A server that closes a connection as a request arrives on it, without answering — as llama.cpp's
/// server does to a keep-alive connection it has finished with — then answers on the next one.
@Suite struct ClosingEndpointTests {
    /// Closes the first `closing` connections when their first bytes arrive; answers on the others
    /// with one non-streamed completion.
    final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let connections: Count
        let closing: Int

        init(connections: Count, closing: Int) {
            self.connections = connections
            self.closing = closing
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let n = connections.value.withLock { $0 }
            guard n > closing else { context.close(promise: nil); return }
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
    static func endpoint(closing: Int, _ connections: Count) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                connections.value.withLock { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Handler(connections: connections, closing: closing)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    @Test func aConnectionClosedAsTheRequestGoesOutIsTriedOnceMoreOnANewOne() async throws {
        // given an endpoint that closes the first connection on the request's arrival
        let connections = Count()
        let server = try await Self.endpoint(closing: 1, connections)
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        let provider = OpenAICompatibleProvider(endpoint: try InferenceEndpoint(baseURL: "http://127.0.0.1:\(port)/v1", model: "m", apiKey: nil),
                                                http: OpenAIFaultTests.http, settings: OpenAISettings())

        // when a completion is asked for
        let answer = try await provider.complete(ChatRequest(messages: [.init(.user, "hi")], maxCompletionTokens: 8))

        // then it is answered, on the second connection
        #expect(answer.text == "好的")
        #expect(connections.value.withLock { $0 } == 2)
    }

    @Test func anEndpointThatKeepsClosingIsAConnectionErrorAfterTheSecondTry() async throws {
        let connections = Count()
        let server = try await Self.endpoint(closing: 100, connections)
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        let provider = OpenAICompatibleProvider(endpoint: try InferenceEndpoint(baseURL: "http://127.0.0.1:\(port)/v1", model: "m", apiKey: nil),
                                                http: OpenAIFaultTests.http, settings: OpenAISettings())
        await #expect(throws: InferenceError.self) {
            _ = try await provider.complete(ChatRequest(messages: [.init(.user, "hi")], maxCompletionTokens: 8))
        }
        #expect(connections.value.withLock { $0 } == 2)
    }
}
