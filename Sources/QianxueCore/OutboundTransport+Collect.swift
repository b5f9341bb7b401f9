/// A whole answer of an outside endpoint, its body cut at a limit.
public struct OutboundResponse: Sendable {
    public let status: Int
    public let contentType: String
    public let body: [UInt8]
}

extension OutboundTransport {
    /// Sends `request` and collects its answer, at most `limit` bytes of the body: reading stops
    /// there (an endless answer cannot fill memory).
    public func send(_ request: OutboundRequest, timeout: Duration, limit: Int) async throws -> OutboundResponse {
        let collector = Collector(limit: limit)
        try await send(request, timeout: timeout, to: collector)
        return OutboundResponse(status: collector.status, contentType: collector.contentType, body: collector.bytes)
    }
}

/// Keeps the head and the first `limit` bytes of an answer. The transport calls it one call at a
/// time (`OutboundReceiver`), and it is read only after `send` returned.
private final class Collector: OutboundReceiver, @unchecked Sendable {
    let limit: Int
    var status = 0
    var contentType = ""
    var bytes: [UInt8] = []

    init(limit: Int) { self.limit = limit }

    func head(status: Int, contentType: String) throws {
        self.status = status
        self.contentType = contentType
    }

    func body(_ part: UnsafeBufferPointer<UInt8>) throws -> Bool {
        bytes.append(contentsOf: part.prefix(max(0, limit - bytes.count)))
        return bytes.count < limit
    }

    func end() throws {}
}
