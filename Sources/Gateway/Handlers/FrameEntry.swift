import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Where a streamed answer's frames enter the client's channel (issue 5: the per-chunk path).
///
/// On an HTTP/1 connection the frames are written as chunks of the chunked body — the length in
/// hex, the bytes, CRLF, one buffer — from the HTTP/1 response encoder's place in the pipeline, so
/// that they pass none of the handlers above it (`NIOAsyncChannel`'s, Hummingbird's connection
/// state, the HTTP types codec, the encoder itself: ~9% of the gateway's CPU a chunk, measured
/// 2026-11-30, and three writes a chunk where this is one). What lies below the encoder (a TLS
/// handler, the socket) still sees every byte. The response's head and end still go the usual way
/// through the encoder, which framed the head as chunked: the relay is used only for a 200 event
/// stream without a `content-length` to a POST (`GatewayPipeline.relayingEventFrames`), and such a
/// head is always chunked by the encoder (HTTP/1.1 head, framing headers set automatically).
///
/// Any other pipeline (HTTP/2) gets the frames as `HTTPResponsePart.body` from the channel's end,
/// as before.
struct FrameEntry: Sendable {
    private let encoder: NIOLoopBound<ChannelHandlerContext>?

    /// Looks for the HTTP/1 response encoder; on the channel's event loop.
    init(_ channel: any Channel) {
        if let context = try? channel.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) {
            encoder = NIOLoopBound(context, eventLoop: channel.eventLoop)
        } else {
            encoder = nil
        }
    }

    /// Writes `bytes` (a whole number of frames) and flushes; on the channel's event loop.
    func write(_ bytes: [UInt8], on channel: any Channel) {
        guard let encoder else {
            channel.writeAndFlush(HTTPResponsePart.body(channel.allocator.buffer(bytes: bytes)), promise: nil)
            return
        }
        var buffer = channel.allocator.buffer(capacity: bytes.count + 12)
        Self.writeChunk(bytes, to: &buffer)
        encoder.value.writeAndFlush(NIOAny(IOData.byteBuffer(buffer)), promise: nil)
    }

    /// One chunk of a chunked body (RFC 9112 §7.1): size in hex, CRLF, the bytes, CRLF.
    static func writeChunk(_ bytes: [UInt8], to buffer: inout ByteBuffer) {
        precondition(!bytes.isEmpty, "an empty chunk would end the body")
        buffer.writeString(String(bytes.count, radix: 16))   // a small string: no allocation
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(bytes)
        buffer.writeStaticString("\r\n")
    }
}
