import NIOCore
import NIOPosix

/// The floor under any gateway on this machine (issue 5): a plain TCP relay on SwiftNIO, one event
/// loop, that passes every byte the endpoint sends on to the client and back, with nothing between
/// — no HTTP, no parsing, no screening, no task. Per chunk it does what any relay must: one read
/// from the endpoint's socket, one write to the client's, and the epoll wake-up between. Streams
/// opened through it (`split --target direct --gateway http://127.0.0.1:RELAY`) measure, with
/// `--gateway-pid` its pid, the CPU a chunk costs on this machine before any of the gateway's work.
///
///   inference-latency relay --port P --to http://127.0.0.1:ENDPOINT
enum Relay {
    static func run(port: Int, to upstream: String) async throws {
        let (host, upstreamPort, _) = Target.parse(upstream)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { client in
                // the endpoint's connection on the client's loop (bytes pass with no thread
                // between); the client's channel is registered, and read, only once it is there
                ClientBootstrap(group: client.eventLoop)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { endpoint in
                        endpoint.eventLoop.makeCompletedFuture { try endpoint.pipeline.syncOperations.addHandler(Splice(to: client)) }
                    }
                    .connect(host: host, port: upstreamPort)
                    .flatMapThrowing { endpoint in try client.pipeline.syncOperations.addHandler(Splice(to: endpoint)) }
            }
            .bind(host: "127.0.0.1", port: port).get()
        log("relay on 127.0.0.1:\(port) to \(host):\(upstreamPort)")
        try await server.closeFuture.get()
    }
}

/// Writes what one side reads to the other, and closes the other when one side closes.
final class Splice: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let peer: any Channel

    init(to peer: any Channel) { self.peer = peer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
