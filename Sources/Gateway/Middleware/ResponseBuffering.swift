import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reading a response body into memory (for the idempotency store).
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
