/// An incremental parser of server-sent events as OpenAI-compatible servers send them: it takes
/// bytes as they arrive (a chunk may end anywhere, even inside a UTF-8 sequence) and gives the
/// `data` payload of every complete event. Comments (`:`), `event:`/`id:`/`retry:` fields and
/// CR, LF or CRLF line ends are handled; multi-line data is joined with `\n`.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var lastWasCR = false
    /// Longest line accepted; a longer one is garbage, not an answer.
    public let maxLine: Int

    public init(maxLine: Int = 1 << 20) {
        self.maxLine = maxLine
        line.reserveCapacity(512)
        data.reserveCapacity(512)
    }

    /// Feeds bytes; returns the payloads of the events they complete.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws -> [String] where Bytes.Element == UInt8 {
        var events: [String] = []
        try feed(bytes) { events.append(String(decoding: $0, as: UTF8.self)) }
        return events
    }

    /// Feeds bytes; calls `event` with the payload of each event they complete (valid only during the call).
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes, event: (UnsafeBufferPointer<UInt8>) throws -> Void) throws
    where Bytes.Element == UInt8 {
        let done: Void? = try bytes.withContiguousStorageIfAvailable { try feed(buffer: $0, event: event) }
        if done == nil { try Array(bytes).withUnsafeBufferPointer { try feed(buffer: $0, event: event) } }
    }

    private mutating func feed(buffer: UnsafeBufferPointer<UInt8>, event: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var start = 0
        var k = 0
        while k < buffer.count {
            let b = buffer[k]
            guard b == 0x0A || b == 0x0D else { k += 1; continue }
            if b == 0x0A && lastWasCR && k == start && line.isEmpty {
                // the LF of a CRLF whose CR ended the previous line
                lastWasCR = false
                k += 1
                start = k
                continue
            }
            try append(buffer[start..<k])
            lastWasCR = b == 0x0D
            try endLine(event)
            k += 1
            start = k
        }
        if start < buffer.count {
            try append(buffer[start...])
            lastWasCR = false
        }
    }

    private mutating func append(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) throws {
        line.append(contentsOf: bytes)
        if line.count > maxLine { throw InferenceError.malformed("a stream line longer than \(maxLine) bytes") }
    }

    /// Ends the stream: an event not followed by a blank line still counts.
    public mutating func finish() -> [String] {
        var events: [String] = []
        let collect: (UnsafeBufferPointer<UInt8>) -> Void = { events.append(String(decoding: $0, as: UTF8.self)) }
        if !line.isEmpty { endLine(collect) }
        endLine(collect)
        return events
    }

    private mutating func endLine(_ event: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            guard hasData else { return }
            defer {
                data.removeAll(keepingCapacity: true)
                hasData = false
            }
            try data.withUnsafeBufferPointer { try event($0) }
            return
        }
        if line.first == 0x3A { return }                                       // ": comment"
        let colon = line.firstIndex(of: 0x3A) ?? line.count
        guard line[..<colon].elementsEqual("data".utf8) else { return }        // event:, id:, retry:
        var value = line[min(colon + 1, line.count)...]
        if value.first == 0x20 { value = value.dropFirst() }
        if hasData { data.append(0x0A) }
        data.append(contentsOf: value)
        hasData = true
    }
}
