import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import Testing
@testable import Gateway

/// The frames of a streamed answer written from the HTTP/1 encoder's place (issue 5): what a client
/// reads off the wire is the same chunked body, with the head and the end written the usual way.
struct FrameEntryTests {
    /// Counts the body parts written through it (it stands above the HTTP types codec, where
    /// Hummingbird's own handlers stand).
    final class BodyParts: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = HTTPResponsePart
        var count = 0
        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .body = unwrapOutboundIn(data) { count += 1 }
            context.write(data, promise: promise)
        }
    }

    /// A server channel as Hummingbird sets one up (HTTP/1 pipeline without pipelining assistance,
    /// the HTTP types codec, a handler above them), with a POST read from it.
    private func serverChannel(_ above: BodyParts = BodyParts()) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: false)
        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
        try channel.pipeline.syncOperations.addHandler(above)
        try channel.writeInbound(ByteBuffer(string: "POST /v1/inference/chat HTTP/1.1\r\nhost: qianxue\r\ncontent-length: 0\r\n\r\n"))
        while try channel.readInbound(as: HTTPRequestPart.self) != nil {}
        return channel
    }

    /// Everything the channel wrote, read back by NIO's HTTP/1 response decoder.
    private func decoded(_ channel: EmbeddedChannel) throws -> (head: HTTPResponseHead, body: [UInt8], chunks: Int, ended: Bool) {
        var wire = ByteBuffer()
        while var b = try channel.readOutbound(as: ByteBuffer.self) { wire.writeBuffer(&b) }
        let client = EmbeddedChannel()
        try client.pipeline.syncOperations.addHTTPClientHandlers()
        try client.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/inference/chat")))
        try client.writeOutbound(HTTPClientRequestPart.end(nil))
        try client.writeInbound(wire)
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        var chunks = 0
        var ended = false
        while let part = try client.readInbound(as: HTTPClientResponsePart.self) {
            switch part {
            case .head(let h): head = h
            case .body(let b): body += Array(b.readableBytesView); chunks += 1
            case .end: ended = true
            }
        }
        return (try #require(head), body, chunks, ended)
    }

    @Test func framesWrittenBelowTheHandlersArriveAsTheChunkedBody() throws {
        let above = BodyParts()
        let channel = try serverChannel(above)
        channel.write(HTTPResponsePart.head(HTTPResponse(status: .ok, headerFields: [.contentType: "text/event-stream"])), promise: nil)
        let entry = FrameEntry(channel)
        // sizes around the hex digits' boundaries: 1, 15, 16, 255, 256, 4,096 bytes
        let frames = [1, 15, 16, 255, 256, 4_096].map { n in (0..<n).map { UInt8(0x41 + $0 % 26) } }
        for f in frames { entry.write(f, on: channel) }
        channel.writeAndFlush(HTTPResponsePart.end(nil), promise: nil)

        let wire = try decoded(channel)
        #expect(wire.head.status == .ok)
        #expect(wire.head.headers["transfer-encoding"] == ["chunked"])
        #expect(wire.body == frames.flatMap { $0 })
        #expect(wire.chunks == frames.count, "one chunk a write")
        #expect(wire.ended)
        #expect(above.count == 0, "the frames went past the handlers above the encoder")
        #expect(try channel.finish().isClean)
    }

    @Test func theChunkIsTheSizeInHexThenTheBytes() {
        var buffer = ByteBuffer()
        FrameEntry.writeChunk(Array(repeating: 0x61, count: 26), to: &buffer)
        #expect(String(buffer: buffer) == "1a\r\n" + String(repeating: "a", count: 26) + "\r\n")
    }

    @Test func framesGoAsBodyPartsWithoutTheEncoder() throws {
        let channel = EmbeddedChannel()
        let entry = FrameEntry(channel)
        entry.write(Array("event: delta\n\n".utf8), on: channel)
        let part = try #require(try channel.readOutbound(as: HTTPResponsePart.self))
        guard case .body(let b) = part else { Issue.record("not a body part: \(part)"); return }
        #expect(String(buffer: b) == "event: delta\n\n")
    }
}
