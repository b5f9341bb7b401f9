import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import QianxueCore

/// The platform's one way out to other servers — the inference endpoint, the moderation endpoint,
/// the alert webhook. An `http://` address goes over `PlainHTTP1Client` (SwiftNIO's HTTP/1 codec on
/// the caller's event loop, kept-alive connections per loop); an `https://` one over one shared
/// AsyncHTTPClient and its connection pool, its answer read with the delegate API. Either way each
/// body part goes to the receiver on the connection's event loop as it arrives (for a streamed
/// answer, the SSE parsing, output screen and the client's frame run right there, no task woken
/// per chunk). Created once and shut down with the platform.
public final class HTTPOutboundTransport: OutboundTransport {
    let client: HTTPClient
    let plain: PlainHTTP1Client
    /// The client's event loops: a preferred loop must be one of them (AsyncHTTPClient traps on
    /// another group's loop — a test server's, or Hummingbird's router testing's).
    private let ownLoops: Set<ObjectIdentifier>

    /// - Parameters:
    ///   - connectTimeout: how long to wait for a connection.
    ///   - maxConnections: connections per host — one per stream in flight; hundreds of classrooms
    ///     stream at once. AsyncHTTPClient's pool takes it as is; the plain client shares it out
    ///     between the event loops (its pools are per loop), and beyond it requests wait.
    public init(connectTimeout: Duration = .seconds(5), maxConnections: Int = 1024) {
        var config = HTTPClient.Configuration()
        config.timeout.connect = .nanoseconds(Int64(connectTimeout / .nanoseconds(1)))
        // The callers decide about retries themselves (only before the first byte, with jitter):
        // the pool must not keep re-dialling a refused endpoint until the request's deadline.
        config.connectionPool.retryConnectionEstablishment = false
        config.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = maxConnections
        config.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        ownLoops = Set(client.eventLoopGroup.makeIterator().map { ObjectIdentifier($0) })
        plain = PlainHTTP1Client(connectTimeout: connectTimeout, maxConnectionsPerLoop: maxConnections / max(1, ownLoops.count))
    }

    public func shutdown() async {
        plain.shutdown()
        try? await client.shutdown()
    }

    public func send(_ request: OutboundRequest, timeout: Duration, to receiver: any OutboundReceiver) async throws {
        let deadline = NIODeadline.now() + .nanoseconds(Int64(timeout / .nanoseconds(1)))
        let attempt: () async throws -> Void
        if let address = plain.address(request.url) {
            let loop = preferredLoop ?? client.eventLoopGroup.next()
            attempt = { try await self.plain.exchange(request, to: address, on: loop, deadline: deadline, receiver: receiver) }
        } else {
            let wire: HTTPClient.Request
            let body: HTTPClient.Body? = request.body.isEmpty ? nil : .byteBuffer(ByteBuffer(bytes: request.body))
            do {
                wire = try HTTPClient.Request(url: request.url, method: request.method == .post ? .POST : .GET,
                                              headers: HTTPHeaders(request.headers.map { ($0.name, $0.value) }), body: body)
            } catch {
                throw OutboundError.connection("the address \(request.url) cannot be used: \(error)")
            }
            attempt = { try await self.exchange(wire, deadline: deadline, receiver) }
        }
        do {
            try await attempt()
        } catch OutboundError.closedBeforeAnswer {
            // The kept-alive connection was closed (or reset) by the server as the request went
            // out — no answer began, the receiver saw nothing. llama.cpp's server (cpp-httplib)
            // closes a keep-alive connection after a few requests or seconds, sometimes right after
            // a stream ends: the request goes once more, on a new connection.
            try await attempt()
        }
    }

    /// The caller's preferred event loop (`OutboundAffinity`), if it is one of ours.
    private var preferredLoop: (any EventLoop)? {
        guard let loop = OutboundAffinity.eventLoop, ownLoops.contains(ObjectIdentifier(loop)) else { return nil }
        return loop
    }

    private func exchange(_ wire: HTTPClient.Request, deadline: NIODeadline, _ receiver: any OutboundReceiver) async throws {
        let delegate = ReceiverDelegate(receiver)
        let task = if let loop = preferredLoop {
            client.execute(request: wire, delegate: delegate, eventLoop: .delegate(on: loop), deadline: deadline)
        } else {
            client.execute(request: wire, delegate: delegate, deadline: deadline)
        }
        do {
            try await withTaskCancellationHandler { try await task.get() } onCancel: { task.cancel() }
        } catch {
            if let own = delegate.receiverError { throw own }                  // the receiver's, unchanged
            if error is ReceiverDelegate.Stopped { return }                     // the receiver wanted no more
            if Task.isCancelled || (error as? HTTPClientError) == .cancelled { throw CancellationError() }
            throw Self.failure(error, answered: delegate.answered)
        }
    }

    /// What a failure of the client means to the caller.
    static func failure(_ error: any Error, answered: Bool) -> OutboundError {
        let why = String(describing: error)
        switch error {
        case let e as HTTPClientError where e == .connectTimeout: return .connectTimeout
        case let e as HTTPClientError where e == .deadlineExceeded || e == .readTimeout: return .timedOut
        case let e as HTTPClientError where e == .remoteConnectionClosed && !answered: return .closedBeforeAnswer(why)
        // A server that closes a connection with the request unread resets it (llama.cpp's server
        // does so to a keep-alive connection it has finished with, as the next request arrives).
        case let e as IOError where (e.errnoCode == ECONNRESET || e.errnoCode == EPIPE) && !answered: return .closedBeforeAnswer(why)
        case ChannelError.ioOnClosedChannel where !answered, ChannelError.eof where !answered: return .closedBeforeAnswer(why)
        // Refused, unreachable, a broken answer (`HTTPParserError`), TLS: the caller decides about another try.
        default: return .connection(why)
        }
    }
}

/// The event loop a request's outbound calls prefer: the client's connection's, so that a streamed
/// answer's chunks are read on the loop that writes them to the client (no thread woken per
/// chunk). AsyncHTTPClient takes an idle connection on that loop when it has one, else any; a loop
/// of another group (not the gateway's server: a test's) is no preference.
enum OutboundAffinity {
    @TaskLocal static var eventLoop: (any EventLoop)?
}

/// Hands AsyncHTTPClient's callbacks to an `OutboundReceiver`. AsyncHTTPClient calls a delegate
/// from the connection's event loop, one call at a time, so its state needs no lock; it is
/// `@unchecked Sendable` because the protocol is not.
final class ReceiverDelegate: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void

    /// Reading stopped early without an error: the receiver wanted no more.
    struct Stopped: Error {}

    private let receiver: any OutboundReceiver
    /// The response head arrived (before it, a closed connection may be retried: no answer began).
    private(set) var answered = false
    /// What the receiver threw, if it did: the exchange ends with it, unchanged.
    private(set) var receiverError: (any Error)?

    init(_ receiver: any OutboundReceiver) { self.receiver = receiver }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        answered = true
        do {
            try receiver.head(status: Int(head.status.code), contentType: head.headers.first(name: "content-type")?.lowercased() ?? "")
        } catch {
            receiverError = error
            return task.eventLoop.makeFailedFuture(error)
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        do {
            let more = try buffer.withUnsafeReadableBytes { raw in
                try raw.withMemoryRebound(to: UInt8.self) { try receiver.body($0) }
            }
            if !more { return task.eventLoop.makeFailedFuture(Stopped()) }
        } catch {
            receiverError = error
            return task.eventLoop.makeFailedFuture(error)
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        do {
            try receiver.end()
        } catch {
            receiverError = error
            throw error
        }
    }
}
