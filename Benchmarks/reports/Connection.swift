import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request for one student's connection: the head and body to send and where the answer goes.
struct Exchange {
    let head: HTTPRequestHead
    let body: ByteBuffer
    let promise: EventLoopPromise<Reply>
}

/// A response as the load needs it: status, body, and whether the server closes the connection.
struct Reply {
    var status = 0
    var body = ByteBuffer()
    var close = false
}

/// The client's connection handler: one exchange at a time, the body gathered on the event loop.
final class ExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    private var promise: EventLoopPromise<Reply>?
    private var reply = Reply()

    func write(context: ChannelHandlerContext, data: NIOAny, promise writePromise: EventLoopPromise<Void>?) {
        let e = unwrapOutboundIn(data)
        promise = e.promise
        reply = Reply()
        context.write(wrapOutboundOut(.head(e.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(e.body))), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: writePromise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            reply.status = Int(h.status.code)
            reply.close = !h.isKeepAlive
        case .body(var b):
            reply.body.writeBuffer(&b)
        case .end:
            let p = promise
            promise = nil
            p?.succeed(reply)
            if reply.close { context.close(promise: nil) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let p = promise
        promise = nil
        p?.fail(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let p = promise
        promise = nil
        p?.fail(error)
        context.close(promise: nil)
    }
}

/// One student's keep-alive connection, opened on first use and again after the server closed it;
/// a request that finds the kept connection closed is sent once more on a new one (as answers.py does).
final class StudentConnection: @unchecked Sendable {
    let loop: any EventLoop
    let port: Int
    private var channel: (any Channel)?

    init(loop: any EventLoop, port: Int) {
        self.loop = loop
        self.port = port
    }

    func send(method: HTTPMethod, path: String, token: String, body: ByteBuffer) -> EventLoopFuture<Reply> {
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: HTTPHeaders([
            ("host", "127.0.0.1"), ("authorization", "Bearer \(token)"), ("content-type", "application/json"),
            ("accept", "application/json"), ("content-length", "\(body.readableBytes)"),
        ]))
        let reused = channel?.isActive == true
        return attempt(head, body).flatMapError { error in
            self.channel = nil
            guard reused else { return self.loop.makeFailedFuture(error) }
            return self.attempt(head, body)
        }
    }

    private func attempt(_ head: HTTPRequestHead, _ body: ByteBuffer) -> EventLoopFuture<Reply> {
        connected().flatMap { channel in
            let promise = self.loop.makePromise(of: Reply.self)
            channel.writeAndFlush(Exchange(head: head, body: body, promise: promise)).whenFailure { promise.fail($0) }
            return promise.futureResult
        }
    }

    private func connected() -> EventLoopFuture<any Channel> {
        if let c = channel, c.isActive { return loop.makeSucceededFuture(c) }
        return ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ExchangeHandler())
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .map { c in
                self.channel = c
                return c
            }
    }

    func reset() {
        channel?.close(promise: nil)
        channel = nil
    }
}
