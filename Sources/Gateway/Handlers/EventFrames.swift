import Foundation
import Inference
import OpenAPIRuntime
import QianxueAPI

/// The bytes of the API's stream events (DESIGN.md §5): `event: <name>`, one `data:` line of
/// compact JSON, a blank line. A `delta` — hundreds per answer — is written by hand; the rest go
/// through `JSONEncoder` (a few per answer).
enum EventFrames {
    static func delta(_ text: String) -> ArraySlice<UInt8> {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 40)
        out.append(contentsOf: "event: delta\ndata: {\"text\":".utf8)
        appendJSONString(text, to: &out)
        out.append(contentsOf: "}\n\n".utf8)
        return out[...]
    }

    static func frame(_ event: String, data: Data) -> ArraySlice<UInt8> {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + event.utf8.count + 16)
        out.append(contentsOf: "event: ".utf8)
        out.append(contentsOf: event.utf8)
        out.append(contentsOf: "\ndata: ".utf8)
        out.append(contentsOf: data)
        out.append(contentsOf: "\n\n".utf8)
        return out[...]
    }

    /// A JSON string literal as `JSONEncoder` writes it with `.withoutEscapingSlashes`: quote,
    /// backslash and control characters escaped, everything else as UTF-8.
    static func appendJSONString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0x0F)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension APIHandler {
    /// A chat answer's events as the bytes of a `text/event-stream` body, each event followed by
    /// `transcript` (for an idempotent replay).
    static func eventStreamBody(_ events: AsyncStream<ChatEvent>, transcript: StreamTranscript, requestID: String,
                                breakReminder: Bool? = nil) -> HTTPBody {
        let frames = events.map { e in
            transcript.follow(e)
            return Self.eventFrame(e, requestID: requestID, breakReminder: breakReminder)
        }
        return HTTPBody(frames, length: .unknown, iterationBehavior: .single)
    }
}
