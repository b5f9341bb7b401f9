import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import QianxueCore
import Synchronization

/// HTTP/1.1 over plain TCP (`http://` addresses), with SwiftNIO's own encoder and decoder and
/// nothing else between the socket and the receiver: each body part the decoder reads goes to the
/// receiver right there, on the connection's event loop — the loop the caller names (for a streamed
/// answer, the loop of the client's connection it is written to). Kept-alive connections wait, per
/// event loop and host, for the next request on that loop.
///
/// Why not AsyncHTTPClient here (issue 5, measured side by side in Benchmarks/README): a streamed
/// answer's receiver wants no more after `data: [DONE]`, and a delegate that stops reading makes
/// AsyncHTTPClient close the connection — every stream paid a new TCP connection to the endpoint.
/// This client answers its caller at once and waits a moment for the body's end, which servers
/// send right after `[DONE]`, then keeps the connection (`PlainHTTP1Exchange`). At 50 streams that
/// took the gateway from +1.16 to +0.71 ms first token, at 500 from +85 to +42 ms (Benchmarks/README,
/// session 12). `https://` stays with AsyncHTTPClient (TLS, and an endpoint far enough away that a
/// connection's cost is not what the gateway adds).
///
/// At most `maxConnectionsPerLoop` connections per event loop and host are open (connecting, in
/// use or idle): a burst beyond that — thousands of students' messages checked by a moderation
/// endpoint at once — waits for one of them, in order, within its own deadline, instead of
/// opening thousands of connections to one server.
final class PlainHTTP1Client: Sendable {
    /// Where a request goes.
    struct Address: Hashable, Sendable {
        let host: String
        let port: Int
        /// The path and query, as sent in the request line.
        let target: String

        /// `http://host[:port]/path?query`, or nil for any other address.
        init?(_ url: String) {
            guard let u = URLComponents(string: url), u.scheme?.lowercased() == "http",
                  let host = u.host, !host.isEmpty, u.user == nil else { return nil }
            // an IPv6 address comes in brackets, which neither the resolver nor `SocketAddress` takes
            self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            port = u.port ?? 80
            let path = u.percentEncodedPath.isEmpty ? "/" : u.percentEncodedPath
            target = u.percentEncodedQuery.map { path + "?" + $0 } ?? path
        }

        /// The `host` header's value.
        var hostHeader: String {
            let name = host.contains(":") ? "[\(host)]" : host
            return port == 80 ? name : "\(name):\(port)"
        }
    }

    private struct PoolKey: Hashable {
        let loop: ObjectIdentifier
        let host: String
        let port: Int
    }

    /// The connections of one event loop to one host. Changed only on that loop (the lock is for
    /// the dictionary of them all), except by `shutdown`.
    private struct Pool {
        var idle: [(channel: any Channel, since: NIODeadline)] = []
        /// Connections not yet closed: connecting, in use or idle (each counted until its close).
        var open = 0
        /// Exchanges waiting for a connection, oldest first from `next`.
        var waiting: [PlainHTTP1Exchange] = []
        var next = 0
        /// The length at which exchanges no longer waiting are dropped from `waiting`.
        var sweepAt = 64

        /// Adds an exchange to wait for a connection. Under a sustained burst the list is never
        /// empty, so what was served or given up (its deadline passed, it was cancelled) is dropped
        /// as it grows: each sweep at twice the length the last one left.
        mutating func wait(_ exchange: PlainHTTP1Exchange) {
            if waiting.count >= sweepAt {
                waiting = waiting[next...].filter { !$0.isDone }
                next = 0
                sweepAt = max(64, 2 * waiting.count)
            }
            waiting.append(exchange)
        }

        /// The oldest waiting exchange still wanting an answer (one whose deadline passed, or that
        /// was cancelled, is dropped).
        mutating func popWaiting() -> PlainHTTP1Exchange? {
            defer {
                if next == waiting.count { waiting.removeAll(keepingCapacity: true); next = 0 }
            }
            while next < waiting.count {
                let e = waiting[next]
                next += 1
                if !e.isDone { return e }
            }
            return nil
        }

        var isUnused: Bool { open == 0 && idle.isEmpty && next == waiting.count }
    }

    let connectTimeout: TimeAmount
    /// Idle connections kept per event loop and host; more are closed as they come back.
    let maxIdlePerLoop: Int
    /// Connections open per event loop and host; more requests wait for one.
    let maxConnectionsPerLoop: Int
    /// An idle connection older than this is closed instead of reused (servers close theirs too:
    /// llama.cpp's after 5 s; a request on a connection closed under it is tried once more).
    let idleLimit: TimeAmount
    private let pools = Mutex<[PoolKey: Pool]>([:])
    /// Set by `shutdown`: no connection is opened or kept from then on.
    private let isShutDown = Atomic(false)
    /// The addresses requests went to: a few (the endpoint's, the moderation's, a webhook), each
    /// asked on every request — parsed once, not on each.
    private let addresses = Mutex<[String: Address]>([:])

    init(connectTimeout: Duration, maxConnectionsPerLoop: Int = 512, maxIdlePerLoop: Int = 256, idleLimit: TimeAmount = .seconds(30)) {
        self.connectTimeout = .nanoseconds(Int64(connectTimeout / .nanoseconds(1)))
        self.maxConnectionsPerLoop = max(1, maxConnectionsPerLoop)
        self.maxIdlePerLoop = min(maxIdlePerLoop, self.maxConnectionsPerLoop)
        self.idleLimit = idleLimit
    }

    /// Where `url` goes if this client takes it (`http://`), else nil.
    func address(_ url: String) -> Address? {
        if let known = addresses.withLock({ $0[url] }) { return known }
        guard let address = Address(url) else { return nil }
        addresses.withLock { if $0.count < 64 { $0[url] = address } }
        return address
    }

    /// Sends `request` to `address` on a connection of `loop` and hands the answer to `receiver`
    /// there. Returns when the answer ended or the receiver wanted no more; a cancelled task closes
    /// the connection and throws `CancellationError`.
    func exchange(_ request: OutboundRequest, to address: Address, on loop: any EventLoop,
                  deadline: NIODeadline, receiver: any OutboundReceiver) async throws {
        let exchange = PlainHTTP1Exchange(request: request, address: address, receiver: receiver,
                                          promise: loop.makePromise(of: Void.self))
        loop.execute { self.start(exchange, on: loop, deadline: deadline) }
        try await withTaskCancellationHandler {
            try await exchange.promise.futureResult.get()
        } onCancel: {
            loop.execute { exchange.fail(CancellationError()) }
        }
    }

    /// Closes every idle connection and fails every waiting request (the platform shuts down);
    /// connections in use close as their answers end.
    func shutdown() {
        isShutDown.store(true, ordering: .sequentiallyConsistent)
        let (idle, waiting) = pools.withLock { pools in
            defer {
                for key in pools.keys {
                    pools[key]?.idle = []
                    pools[key]?.waiting = []
                    pools[key]?.next = 0
                }
            }
            return (pools.values.flatMap { $0.idle.map(\.channel) }, pools.values.flatMap { $0.waiting[$0.next...] })
        }
        for channel in idle { channel.close(promise: nil) }
        for exchange in waiting {
            exchange.promise.futureResult.eventLoop.execute { exchange.fail(OutboundError.connection("the platform is shutting down")) }
        }
    }

    // MARK: - On the loop

    private func start(_ exchange: PlainHTTP1Exchange, on loop: any EventLoop, deadline: NIODeadline) {
        guard !exchange.isDone else { return }   // cancelled before it began
        let timeout = loop.scheduleTask(deadline: deadline) { exchange.fail(OutboundError.timedOut) }
        exchange.promise.futureResult.whenComplete { _ in timeout.cancel() }
        let key = PoolKey(loop: ObjectIdentifier(loop), host: exchange.address.host, port: exchange.address.port)
        if let channel = takeIdle(key) {
            exchange.run(on: channel) { self.putIdle($0, key) }
            return
        }
        guard !isShutDown.load(ordering: .sequentiallyConsistent) else {
            return exchange.fail(OutboundError.connection("the platform is shutting down"))
        }
        let connect = pools.withLock { pools -> Bool in
            guard pools[key, default: Pool()].open < maxConnectionsPerLoop else {
                pools[key, default: Pool()].wait(exchange)
                return false
            }
            pools[key, default: Pool()].open += 1
            return true
        }
        if connect { self.connect(exchange, key, on: loop) }
    }

    /// Opens a connection for `exchange` (counted in its pool already).
    private func connect(_ exchange: PlainHTTP1Exchange, _ key: PoolKey, on loop: any EventLoop) {
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(PlainHTTP1Handler())
                }
            }
        // an address given as numbers needs no resolver (whose lookup runs on another thread)
        let connected = if let ip = try? SocketAddress(ipAddress: exchange.address.host, port: exchange.address.port) {
            bootstrap.connect(to: ip)
        } else {
            bootstrap.connect(host: exchange.address.host, port: exchange.address.port)
        }
        connected.whenComplete { result in
            switch result {
            case .success(let channel):
                // counted until it closes, however it closes
                channel.closeFuture.whenComplete { _ in self.closed(key, on: loop) }
                // the name may have resolved to where the start-up check of the URL would not go
                if let reached = channel.remoteAddress?.ipAddress, ForbiddenDestinations.contains(host: reached) {
                    channel.close(promise: nil)
                    exchange.fail(OutboundError.connection("\(exchange.address.host) resolved to \(reached), a link-local or cloud-metadata address: refused"))
                    return
                }
                // timed out or cancelled meanwhile: the connection serves the next waiting request
                guard !exchange.isDone else { return self.putIdle(channel, key) }
                exchange.run(on: channel) { self.putIdle($0, key) }
            case .failure(let error):
                exchange.fail(Self.connectFailure(error))
                self.closed(key, on: loop)
            }
        }
    }

    /// A connection of `key`'s pool closed (or never opened): the oldest waiting exchange, if any,
    /// opens one in its place.
    private func closed(_ key: PoolKey, on loop: any EventLoop) {
        let waiter = pools.withLock { pools -> PlainHTTP1Exchange? in
            guard var pool = pools[key] else { return nil }
            pool.open -= 1
            let next = isShutDown.load(ordering: .sequentiallyConsistent) ? nil : pool.popWaiting()
            if next != nil { pool.open += 1 }
            pools[key] = pool.isUnused ? nil : pool
            return next
        }
        if let waiter { connect(waiter, key, on: loop) }
    }

    private func takeIdle(_ key: PoolKey) -> (any Channel)? {
        let now = NIODeadline.now()
        var stale: [any Channel] = []
        let found: (any Channel)? = pools.withLock { pools in
            while let last = pools[key]?.idle.popLast() {
                if last.channel.isActive && now - last.since < idleLimit { return last.channel }
                stale.append(last.channel)
            }
            return nil
        }
        for channel in stale { channel.close(promise: nil) }     // each close gives its place back
        return found
    }

    /// A connection that may carry another request: the oldest waiting exchange takes it, else it
    /// waits idle (closed if the pool keeps enough idle ones).
    private func putIdle(_ channel: any Channel, _ key: PoolKey) {
        guard !isShutDown.load(ordering: .sequentiallyConsistent) else { return channel.close(promise: nil) }
        let (waiter, kept) = pools.withLock { pools -> (PlainHTTP1Exchange?, Bool) in
            var pool = pools[key, default: Pool()]
            defer { pools[key] = pool }
            if let waiter = pool.popWaiting() { return (waiter, true) }
            pool.idle.removeAll { !$0.channel.isActive }
            guard pool.idle.count < maxIdlePerLoop else { return (nil, false) }
            pool.idle.append((channel, .now()))
            return (nil, true)
        }
        if let waiter {
            waiter.run(on: channel) { self.putIdle($0, key) }
        } else if !kept {
            channel.close(promise: nil)
        }
    }

    static func connectFailure(_ error: any Error) -> OutboundError {
        if case ChannelError.connectTimeout = error { return .connectTimeout }
        return .connection("could not connect: \(error)")
    }
}
