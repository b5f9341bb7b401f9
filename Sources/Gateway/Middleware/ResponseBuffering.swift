import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The generated handlers hand their bodies to Hummingbird as a stream, which goes out as head,
/// body and end in separate writes. JSON answers are small: buffering them sends each response in
/// one write, which on a busy gateway is a fifth of its CPU.
struct ResponseBufferingMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// Bodies up to this size, with a known length, are buffered; streams are left alone.
    static let limit = 256 << 10

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        guard let length = response.body.contentLength, length <= Self.limit else { return response }
        return try await ResponseBuffering.buffered(response).response
    }
}

enum ResponseBuffering {
    /// Reads a response body into memory and returns an equivalent response with the buffered body.
    static func buffered(_ response: Response) async throws -> (response: Response, body: Data) {
        let sink = BodySink()
        try await response.body.write(CollectingWriter(sink: sink))
        var copy = response
        let buffer = sink.buffer
        copy.body = .init(byteBuffer: buffer)
        return (copy, Data(buffer.readableBytesView))
    }
}

private final class BodySink: @unchecked Sendable {
    var buffer = ByteBuffer()
}

private struct CollectingWriter: ResponseBodyWriter {
    let sink: BodySink

    mutating func write(_ buffer: ByteBuffer) async throws {
        var b = buffer
        sink.buffer.writeBuffer(&b)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
