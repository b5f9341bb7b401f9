import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// CLOCK_MONOTONIC in nanoseconds: the same clock in the endpoint and the client processes (and
/// NIO's `NIODeadline` on Linux).
func monotonicNanoseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

/// A fixed-rate OpenAI-compatible endpoint on loopback, on plain SwiftNIO with one event loop so
/// that it costs little per chunk (it shares a core with the load client): `GET /v1/models` and
/// `POST /v1/chat/completions`, which streams a role chunk at once, then `max_tokens` content chunks
/// of 1–3 Chinese characters (default 20), the first after `--first` ms from the request's arrival
/// and then one every `--interval` ms (fixed rate: chunk i is due at first + i × interval, whatever
/// the delays before), a finish chunk, a usage chunk (with `stream_options.include_usage`) and
/// `data: [DONE]`. Frames are encoded once at start. `GET /bench/trace` gives, for the requests
/// since the last call, when each arrived and when its first content chunk was written.
enum Endpoint {
    struct Options: Sendable {
        var port = 8089
        var interval = 20
        var first = 20
        var chunks = 20
    }

    /// Ordinary lesson text (no term the safety screen flags), cut into pieces of 1–3 characters
    /// like a model's tokens.
    static let lesson = """
        同学们好，今天我们一起学习侗族大歌。侗族大歌是贵州黔东南侗族地区的多声部民间合唱，\
        没有指挥，也没有伴奏，歌声模仿蝉鸣、流水和鸟叫。二零零九年，侗族大歌被列入人类非物质\
        文化遗产代表作名录。请大家想一想：为什么一首歌可以在没有乐谱的情况下代代相传？\
        可以从村寨的生活、节日和鼓楼里的歌堂说起，再对照课文里的例子写下你的理由。
        """

    static func pieces() -> [String] {
        let scalars = Array(lesson.unicodeScalars)
        let lengths = [2, 1, 3, 2, 2, 1, 2, 3, 1, 2]
        var out: [String] = []
        var i = 0, k = 0
        while i < scalars.count {
            let n = min(lengths[k % lengths.count], scalars.count - i)
            var s = ""
            s.unicodeScalars.append(contentsOf: scalars[i..<(i + n)])
            out.append(s)
            i += n; k += 1
        }
        return out
    }

    struct Request: Decodable {
        struct StreamOptions: Decodable { var include_usage: Bool? }
        var stream: Bool?
        var stream_options: StreamOptions?
        var max_tokens: Int?
        var max_completion_tokens: Int?
    }

    /// Everything the handlers share, built once.
    final class Shared: Sendable {
        let options: Options
        let created = Int(Date().timeIntervalSince1970)
        let pieces = Endpoint.pieces()
        let contentFrames: [ByteBuffer]
        let roleFrame: ByteBuffer
        /// Arrival and first-write times (ns), at most 10,000 between two reads.
        let trace = Mutex([(Int64, Int64)]())

        init(_ o: Options) {
            options = o
            let head = #"{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":\#(created),"model":"bench","#
            contentFrames = pieces.map { Endpoint.frame(head + #""choices":[{"index":0,"delta":{"content":"\#($0)"},"finish_reason":null}]}"#) }
            roleFrame = Endpoint.frame(head + #""choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#)
        }

        func tail(_ k: Int, usage: Bool) -> ByteBuffer {
            let head = #"{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":\#(created),"model":"bench","#
            var b = Endpoint.frame(head + #""choices":[{"index":0,"delta":{},"finish_reason":"\#(k < options.chunks ? "length" : "stop")"}]}"#)
            if usage {
                var u = Endpoint.frame(head + #""choices":[],"usage":{"prompt_tokens":24,"completion_tokens":\#(k),"total_tokens":\#(24 + k)}}"#)
                b.writeBuffer(&u)
            }
            b.writeString("data: [DONE]\n\n")
            return b
        }
    }

    static func frame(_ json: String) -> ByteBuffer { ByteBuffer(string: "data: \(json)\n\n") }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let shared: Shared
        var head: HTTPRequestHead?
        var body = ByteBuffer()
        /// The stream being written on this connection, if any.
        var pending: Scheduled<Void>?

        init(_ shared: Shared) { self.shared = shared }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h): head = h; body.clear()
            case .body(var b): body.writeBuffer(&b)
            case .end: if let h = head { respond(h, context: context) }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            pending?.cancel()
            context.fireChannelInactive()
        }

        func send(_ status: HTTPResponseStatus, _ type: String, _ text: String, context: ChannelHandlerContext) {
            var h = HTTPHeaders([("content-type", type)])
            h.add(name: "content-length", value: "\(text.utf8.count)")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: h))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }

        func respond(_ h: HTTPRequestHead, context: ChannelHandlerContext) {
            let arrived = monotonicNanoseconds()
            switch (h.method, h.uri) {
            case (.GET, "/v1/models"):
                send(.ok, "application/json", #"{"object":"list","data":[{"id":"bench","object":"model","owned_by":"bench"}]}"#, context: context)
            case (.GET, "/health"):
                send(.ok, "text/plain", "ok", context: context)
            case (.GET, "/bench/trace"):
                let text = shared.trace.withLock { e -> String in
                    defer { e.removeAll() }
                    return e.map { "\($0.0) \($0.1)\n" }.joined()
                }
                send(.ok, "text/plain", text, context: context)
            case (.POST, "/v1/chat/completions"):
                guard let r = try? JSONDecoder().decode(Request.self, from: Data(body.readableBytesView)) else {
                    send(.badRequest, "application/json", #"{"error":{"message":"bad request","type":"invalid_request_error"}}"#, context: context)
                    return
                }
                let k = max(1, min(r.max_completion_tokens ?? r.max_tokens ?? shared.options.chunks, 2048))
                guard r.stream == true else {
                    let text = (0..<k).map { shared.pieces[$0 % shared.pieces.count] }.joined()
                    send(.ok, "application/json", #"{"id":"chatcmpl-bench","object":"chat.completion","created":\#(shared.created),"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"\#(text)"},"finish_reason":"stop"}],"usage":{"prompt_tokens":24,"completion_tokens":\#(k),"total_tokens":\#(24 + k)}}"#, context: context)
                    return
                }
                let headers = HTTPHeaders([("content-type", "text/event-stream"), ("cache-control", "no-cache"), ("transfer-encoding", "chunked")])
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(shared.roleFrame))), promise: nil)
                schedule(0, of: k, usage: r.stream_options?.include_usage ?? false, arrived: arrived, context: context)
            default:
                send(.notFound, "application/json", #"{"error":{"message":"not found"}}"#, context: context)
            }
        }

        /// Writes chunk i at its due time, then schedules the next (one timer per stream at a time).
        func schedule(_ i: Int, of k: Int, usage: Bool, arrived: Int64, context: ChannelHandlerContext) {
            let o = shared.options
            let due = arrived + Int64(o.first + i * o.interval) * 1_000_000
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            pending = context.eventLoop.scheduleTask(deadline: .uptimeNanoseconds(UInt64(due))) {
                let (handler, context) = bound.value
                handler.pending = nil
                guard context.channel.isActive else { return }
                if i == 0 {
                    // stamped before the write: the client on the same core may read it before this returns
                    let w = monotonicNanoseconds()
                    handler.shared.trace.withLock { if $0.count < 10_000 { $0.append((arrived, w)) } }
                }
                context.writeAndFlush(handler.wrapOutboundOut(.body(.byteBuffer(handler.shared.contentFrames[i % handler.shared.contentFrames.count]))), promise: nil)
                if i + 1 < k {
                    handler.schedule(i + 1, of: k, usage: usage, arrived: arrived, context: context)
                } else {
                    // `[DONE]` and the chunked body's end in writes of their own, as llama.cpp's server
                    // sends them (and uvicorn's): a client sees the end just after `[DONE]`, not with it
                    context.writeAndFlush(handler.wrapOutboundOut(.body(.byteBuffer(handler.shared.tail(k, usage: usage)))), promise: nil)
                    context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil)
                }
            }
        }
    }

    static func run(_ o: Options) async throws {
        let shared = Shared(o)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(Handler(shared))
                }
            }
            .bind(host: "127.0.0.1", port: o.port).get()
        print("endpoint on http://127.0.0.1:\(o.port)/v1 — \(o.chunks) chunks, first after \(o.first) ms, then every \(o.interval) ms")
        try await channel.closeFuture.get()
    }
}
