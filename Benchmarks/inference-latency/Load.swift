import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One path to the same fixed-rate endpoint: straight to it, or through the gateway.
struct Target: Sendable {
    let name: String
    let host: String
    let port: Int
    let path: String
    let method: HTTPMethod
    let headers: [(String, String)]
    let body: String
    /// Bytes that begin the data of a content event (the first one stops the first-token clock).
    let contentMarker: [UInt8]
    /// Bytes that show the stream ended well.
    let doneMarker: [UInt8]

    /// `http://host:port/prefix` → host, port, prefix.
    static func parse(_ url: String) -> (String, Int, String) {
        var rest = Substring(url)
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let hostPort = rest[..<slash].split(separator: ":")
        return (String(hostPort[0]), hostPort.count > 1 ? Int(hostPort[1]) ?? 80 : 80, String(rest[slash...]))
    }

    static func direct(_ base: String, chunks: Int) -> Target {
        let (h, p, prefix) = parse(base)
        return Target(name: "direct", host: h, port: p, path: prefix + "/chat/completions", method: .POST, headers: [("accept", "text/event-stream")],
                      body: #"{"model":"bench","messages":[{"role":"user","content":"请介绍侗族大歌。"}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":\#(chunks)}"#,
                      contentMarker: Array(#"{"content":""#.utf8), doneMarker: Array("data: [DONE]".utf8))
    }

    static func gateway(_ base: String, token: String, chunks: Int) -> Target {
        let (h, p, prefix) = parse(base)
        return Target(name: "gateway", host: h, port: p, path: prefix + "/v1/inference/chat", method: .POST,
                      headers: [("accept", "text/event-stream"), ("authorization", "Bearer \(token)")],
                      body: #"{"messages":[{"role":"user","content":"请介绍侗族大歌。"}],"maxCompletionTokens":\#(chunks)}"#,
                      contentMarker: Array(#"data: {"text":""#.utf8), doneMarker: Array("event: done".utf8))
    }

    /// A plain GET whose body is kept (the endpoint's trace).
    static func get(_ url: String) -> Target {
        let (h, p, path) = parse(url)
        return Target(name: "get", host: h, port: p, path: path, method: .GET, headers: [], body: "",
                      contentMarker: Array("\n".utf8), doneMarker: Array("\n".utf8))
    }

    var requestHead: HTTPRequestHead {
        var h = HTTPHeaders([("host", "\(host):\(port)"), ("content-type", "application/json"), ("content-length", "\(body.utf8.count)")])
        for (k, v) in headers { h.add(name: k, value: v) }
        return HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: h)
    }
}

/// Finds a fixed byte string in a stream of buffers (Knuth–Morris–Pratt, so that a match may span
/// two buffers).
struct Matcher {
    let pattern: [UInt8]
    let fail: [Int]
    var q = 0

    init(_ p: [UInt8]) {
        pattern = p
        var f = [Int](repeating: 0, count: p.count)
        var k = 0
        for i in 1..<max(1, p.count) {
            while k > 0 && p[k] != p[i] { k = f[k - 1] }
            if p[k] == p[i] { k += 1 }
            f[i] = k
        }
        fail = f
    }

    /// Matches ending in these bytes.
    mutating func count(_ bytes: ByteBufferView) -> Int {
        var n = 0
        for b in bytes {
            while q > 0 && pattern[q] != b { q = fail[q - 1] }
            if pattern[q] == b { q += 1 }
            if q == pattern.count { n += 1; q = fail[q - 1] }
        }
        return n
    }
}

struct StreamResult: Sendable {
    var firstToken: Double?   // ms
    var contentEvents = 0
    var ok = false
    var body: ByteBuffer?
}

/// Sends one request on a connection and answers when its response has ended.
struct StreamCommand: Sendable {
    let head: HTTPRequestHead
    let body: ByteBuffer
    let contentMarker: [UInt8]
    let doneMarker: [UInt8]
    let keepBody: Bool
    let promise: EventLoopPromise<StreamResult>
}

/// The load client's connection handler: all per-chunk work (reading, finding the markers, the
/// first-token clock) happens on the event loop, with one hop to the worker task per stream.
final class StreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = StreamCommand
    typealias OutboundOut = HTTPClientRequestPart

    var promise: EventLoopPromise<StreamResult>?
    var start: Int64 = 0
    var result = StreamResult()
    var status200 = false
    var keepBody = false
    var content = Matcher([0])
    var done = Matcher([0])

    func write(context: ChannelHandlerContext, data: NIOAny, promise writePromise: EventLoopPromise<Void>?) {
        let c = unwrapOutboundIn(data)
        promise = c.promise
        result = StreamResult()
        status200 = false
        keepBody = c.keepBody
        content = Matcher(c.contentMarker)
        done = Matcher(c.doneMarker)
        start = monotonicNanoseconds()
        context.write(wrapOutboundOut(.head(c.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(c.body))), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: writePromise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            status200 = h.status == .ok
        case .body(var b):
            let n = content.count(b.readableBytesView)
            if n > 0 && result.firstToken == nil {
                result.firstToken = Double(monotonicNanoseconds() - start) / 1e6
            }
            result.contentEvents += n
            if done.count(b.readableBytesView) > 0 { result.ok = true }
            if keepBody {
                if result.body == nil { result.body = ByteBuffer() }
                result.body!.writeBuffer(&b)
            }
        case .end:
            result.ok = (result.ok || keepBody) && status200
            let p = promise
            promise = nil
            p?.succeed(result)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let p = promise
        promise = nil
        p?.succeed(StreamResult())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// A connection owned by one worker (never shared), opened on first use and again after a failure.
final class Slot: @unchecked Sendable {
    var channel: (any Channel)?
}

/// The client's one event loop (it shares a core with the endpoint).
let clientLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)

func stream(_ slot: Slot, _ t: Target) async -> StreamResult {
    do {
        if slot.channel == nil || slot.channel?.isActive == false {
            slot.channel = try await ClientBootstrap(group: clientLoop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(StreamHandler())
                    }
                }
                .connect(host: t.host, port: t.port).get()
        }
        let channel = slot.channel!
        let promise = channel.eventLoop.makePromise(of: StreamResult.self)
        channel.writeAndFlush(StreamCommand(head: t.requestHead, body: ByteBuffer(string: t.body), contentMarker: t.contentMarker,
                                            doneMarker: t.doneMarker, keepBody: t.method == .GET, promise: promise), promise: nil)
        let r = try await promise.futureResult.get()
        if !r.ok { try? await channel.close(); slot.channel = nil }
        return r
    } catch {
        if let c = slot.channel { try? await c.close() }
        slot.channel = nil
        return StreamResult()
    }
}

/// Connections for up to `n` workers to one target; worker i uses slot i.
final class Pool: Sendable {
    let slots: [Slot]
    init(_ n: Int) { slots = (0..<n).map { _ in Slot() } }
    func close() async {
        for s in slots { if let c = s.channel { try? await c.close() } }
    }
}

// MARK: - /proc

enum Proc {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    static func read(_ path: String) -> String {
        guard let f = fopen(path, "r") else { return "" }
        defer { fclose(f) }
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// utime + stime of a process, in milliseconds.
    static func cpuMilliseconds(_ pid: Int32) -> Double {
        let stat = read("/proc/\(pid)/stat")
        guard let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // after ")": state is field 3, so utime (14) and stime (15) are at 11 and 12
        guard fields.count > 12, let u = Double(fields[11]), let s = Double(fields[12]) else { return 0 }
        return (u + s) / ticksPerSecond * 1000
    }

    /// Busy time of the whole machine (all cores), in milliseconds.
    static func machineBusyMilliseconds() -> Double {
        guard let line = read("/proc/stat").split(separator: "\n").first else { return 0 }
        let f = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard f.count >= 8 else { return 0 }
        // user nice system idle iowait irq softirq steal
        return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / ticksPerSecond * 1000
    }

    /// Resident memory in KiB.
    static func rssKiB(_ pid: Int32) -> Int {
        for line in read("/proc/\(pid)/status").split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}

// MARK: - Statistics

func quantile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let i = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
    return sorted[i]
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func f(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }
func grouped(_ n: Int) -> String {
    let s = String(n)
    var out = ""
    for (i, c) in s.enumerated() {
        if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return out
}
