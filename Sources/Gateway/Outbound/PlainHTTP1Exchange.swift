import NIOCore
import NIOHTTP1
import QianxueCore

/// One request and its answer on one connection of `PlainHTTP1Client`. Everything after `init`
/// runs on the connection's event loop, one call at a time: no lock (hence `@unchecked Sendable`).
/// The caller is answered once — answer ended, stopped by the receiver, failed, timed out or
/// cancelled — and the connection is then given back to the pool if it may carry another request,
/// else closed. An answer the receiver stopped (a stream after `data: [DONE]`) is answered at once,
/// and its connection drained for a moment: servers send the chunked body's end just after
/// `[DONE]` (llama.cpp in a write of its own), and a connection whose end comes is kept.
final class PlainHTTP1Exchange: @unchecked Sendable {
    let request: OutboundRequest
    let address: PlainHTTP1Client.Address
    let receiver: any OutboundReceiver
    let promise: EventLoopPromise<Void>

    /// The caller has been answered.
    private(set) var isDone = false
    private var channel: (any Channel)?
    private var handler: PlainHTTP1Handler?
    private var giveBack: ((any Channel) -> Void)?
    /// The answer's head arrived: before it, a closed connection may be retried (no answer began).
    private var answered = false
    private var keepAlive = false
    /// An interim answer (`100 Continue`) is being read: its end is not the answer's.
    private var interim = false
    /// The receiver wanted no more: the caller is answered, the rest of the body passed over until
    /// its end (the connection kept) or the drain's limits (closed).
    private var draining: Scheduled<Void>?
    private var passedOver = 0

    /// How long a stopped answer's end is waited for, and how much of its body is passed over.
    static let drainTime = TimeAmount.milliseconds(500)
    static let drainBytes = 65_536

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
        if draining != nil { return drain(part) }
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
                let more = try buffer.withUnsafeReadableBytes { raw in
                    try raw.withMemoryRebound(to: UInt8.self) { try receiver.body($0) }
                }
                if !more { stop() }
            case .end:
                if interim { interim = false; return }
                try receiver.end()
                finish(.success(()), reusable: keepAlive)
            }
        } catch {
            finish(.failure(error), reusable: false)                 // the receiver's error, unchanged
        }
    }

    /// The receiver wants no more: the caller is answered now; the connection waits a moment for
    /// the body's end, passing over what comes before it.
    private func stop() {
        isDone = true
        promise.succeed(())
        guard let channel, keepAlive else { return release(reusable: false) }
        draining = channel.eventLoop.scheduleTask(in: Self.drainTime) { self.release(reusable: false) }
    }

    private func drain(_ part: HTTPClientResponsePart) {
        switch part {
        case .head: release(reusable: false)
        case .body(let buffer):
            passedOver += buffer.readableBytes
            if passedOver > Self.drainBytes { release(reusable: false) }
        case .end: release(reusable: true)
        }
    }

    /// The connection closed.
    func closed() {
        if draining != nil { return release(reusable: false) }
        if answered { fail(OutboundError.connection("the endpoint closed the connection while the answer came")) } else { broke(ChannelError.eof) }
    }

    /// The connection failed: reset, a broken answer (`HTTPParserError`), a write that could not
    /// go — the same meaning as AsyncHTTPClient's failures have (a closed or reset connection
    /// before any answer may be tried again).
    func broke(_ error: any Error) {
        if draining != nil { return release(reusable: false) }
        fail(HTTPOutboundTransport.failure(error, answered: answered))
    }

    /// Ends the exchange with `error` (a deadline, a cancelled task) and closes its connection.
    func fail(_ error: any Error) {
        finish(.failure(error), reusable: false)
    }

    private func finish(_ result: Result<Void, any Error>, reusable: Bool) {
        guard !isDone else { return }
        isDone = true
        release(reusable: reusable)
        promise.completeWith(result)
    }

    /// Gives the connection back to the pool, or closes it; the exchange is over with it.
    private func release(reusable: Bool) {
        draining?.cancel()
        draining = nil
        handler?.exchange = nil
        handler = nil
        if let channel {
            if reusable, let giveBack { giveBack(channel) } else { channel.close(promise: nil) }
        }
        channel = nil
        giveBack = nil
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

    func channelInactive(context: ChannelHandlerContext) {
        exchange?.closed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        exchange?.broke(error)
        context.close(promise: nil)
    }
}
