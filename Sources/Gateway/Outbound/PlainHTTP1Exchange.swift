import NIOCore
import NIOHTTP1
import QianxueCore

/// One request and its answer on one connection of `PlainHTTP1Client`. Everything after `init`
/// runs on the connection's event loop, one call at a time: no lock (hence `@unchecked Sendable`).
/// It ends once — answered, stopped by the receiver, failed, timed out or cancelled — and then
/// either gives a connection that may carry another request back to the pool, or closes it.
final class PlainHTTP1Exchange: @unchecked Sendable {
    let request: OutboundRequest
    let address: PlainHTTP1Client.Address
    let receiver: any OutboundReceiver
    let promise: EventLoopPromise<Void>

    private(set) var isDone = false
    private var channel: (any Channel)?
    private var handler: PlainHTTP1Handler?
    private var giveBack: ((any Channel) -> Void)?
    /// The answer's head arrived: before it, a closed connection may be retried (no answer began).
    private var answered = false
    private var keepAlive = false
    /// An interim answer (`100 Continue`) is being read: its end is not the answer's.
    private var interim = false
    /// The receiver wanted no more; the rest of what this read brought is passed over, and if the
    /// answer's end was in it the connection is kept (an endpoint's `[DONE]` and the end of its
    /// chunked body come in one packet), else it is closed when the read is done.
    private var stopped = false

    init(request: OutboundRequest, address: PlainHTTP1Client.Address, receiver: any OutboundReceiver, promise: EventLoopPromise<Void>) {
        self.request = request
        self.address = address
        self.receiver = receiver
        self.promise = promise
    }

    /// Sends the request on `channel` (its pipeline ends in a `PlainHTTP1Handler`).
    func run(on channel: any Channel, giveBack: @escaping (any Channel) -> Void) {
        guard let handler = try? channel.pipeline.syncOperations.handler(type: PlainHTTP1Handler.self) else {
            channel.close(promise: nil)
            return fail(OutboundError.connection("the connection has no HTTP/1 handler"))
        }
        self.channel = channel
        self.handler = handler
        self.giveBack = giveBack
        handler.exchange = self
        var head = HTTPRequestHead(version: .http1_1, method: request.method == .post ? .POST : .GET, uri: address.target)
        head.headers.reserveCapacity(request.headers.count + 2)
        head.headers.add(name: "host", value: address.hostHeader)
        for h in request.headers { head.headers.add(name: h.name, value: h.value) }
        if request.method == .post || !request.body.isEmpty { head.headers.add(name: "content-length", value: String(request.body.count)) }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if !request.body.isEmpty {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: request.body))), promise: nil)
        }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil)).whenFailure { error in
            self.broke(error)
        }
    }

    // MARK: - From the handler

    func received(_ part: HTTPClientResponsePart) {
        guard !isDone else { return }
        do {
            switch part {
            case .head(let head):
                // an interim answer (100 Continue) is not the answer
                if head.status.code >= 100 && head.status.code < 200 && head.status != .switchingProtocols { interim = true; return }
                answered = true
                keepAlive = head.isKeepAlive
                try receiver.head(status: Int(head.status.code), contentType: head.headers.first(name: "content-type")?.lowercased() ?? "")
            case .body(let buffer):
                guard !stopped else { return }
                stopped = try !buffer.withUnsafeReadableBytes { raw in
                    try raw.withMemoryRebound(to: UInt8.self) { try receiver.body($0) }
                }
            case .end:
                if interim { interim = false; return }
                if !stopped { try receiver.end() }
                finish(.success(()), reusable: keepAlive)
            }
        } catch {
            finish(.failure(error), reusable: false)                 // the receiver's error, unchanged
        }
    }

    /// The connection's read is done: an answer the receiver stopped and whose end did not come
    /// with it ends here, its connection closed (the rest is not read).
    func readComplete() {
        if stopped { finish(.success(()), reusable: false) }
    }

    /// The connection closed.
    func closed() {
        if stopped { return finish(.success(()), reusable: false) }
        if answered { fail(OutboundError.connection("the endpoint closed the connection while the answer came")) } else { broke(ChannelError.eof) }
    }

    /// The connection failed: reset, a broken answer (`HTTPParserError`), a write that could not
    /// go — the same meaning as AsyncHTTPClient's failures have (a closed or reset connection
    /// before any answer may be tried again).
    func broke(_ error: any Error) {
        if stopped { return finish(.success(()), reusable: false) }
        fail(HTTPOutboundTransport.failure(error, answered: answered))
    }

    /// Ends the exchange with `error` (a deadline, a cancelled task) and closes its connection.
    func fail(_ error: any Error) {
        finish(.failure(error), reusable: false)
    }

    private func finish(_ result: Result<Void, any Error>, reusable: Bool) {
        guard !isDone else { return }
        isDone = true
        handler?.exchange = nil
        if let channel {
            if reusable, let giveBack { giveBack(channel) } else { channel.close(promise: nil) }
        }
        channel = nil
        giveBack = nil
        promise.completeWith(result)
    }
}

/// The last handler of a `PlainHTTP1Client` connection: hands what the decoder read to the
/// exchange in progress. An answer when none is in progress (a server talking out of turn) closes
/// the connection.
final class PlainHTTP1Handler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    var exchange: PlainHTTP1Exchange?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let exchange else { return context.close(promise: nil) }
        exchange.received(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.readComplete()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        exchange?.closed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        exchange?.broke(error)
        context.close(promise: nil)
    }
}
