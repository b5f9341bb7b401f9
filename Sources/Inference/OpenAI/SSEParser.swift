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
    }

    /// Feeds bytes; returns the payloads of the events they complete.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws -> [String] where Bytes.Element == UInt8 {
        var events: [String] = []
        for b in bytes {
            if b == 0x0A && lastWasCR {
                lastWasCR = false
                continue
            }
            lastWasCR = b == 0x0D
            if b == 0x0A || b == 0x0D {
                if let e = endLine() { events.append(e) }
            } else {
                line.append(b)
                if line.count > maxLine { throw InferenceError.malformed("a stream line longer than \(maxLine) bytes") }
            }
        }
        return events
    }

    /// Ends the stream: an event not followed by a blank line still counts.
    public mutating func finish() -> [String] {
        var events: [String] = []
        if !line.isEmpty, let e = endLine() { events.append(e) }
        if let e = endLine() { events.append(e) }
        return events
    }

    private mutating func endLine() -> String? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            guard hasData else { return nil }
            let payload = String(decoding: data, as: UTF8.self)
            data.removeAll(keepingCapacity: true)
            hasData = false
            return payload
        }
        if line.first == 0x3A { return nil }                                   // ": comment"
        let colon = line.firstIndex(of: 0x3A) ?? line.count
        guard line[..<colon].elementsEqual("data".utf8) else { return nil }    // event:, id:, retry:
        var value = line[min(colon + 1, line.count)...]
        if value.first == 0x20 { value = value.dropFirst() }
        if hasData { data.append(0x0A) }
        data.append(contentsOf: value)
        hasData = true
        return nil
    }
}
