import Foundation
import QianxueCore

/// The bytes of the API's stream events (DESIGN.md §5): `event: <name>`, one `data:` line of
/// compact JSON, a blank line. A `delta` — hundreds per answer — is written by hand; the rest go
/// through `JSONEncoder` (a few per answer).
enum EventFrames {
    static func delta(_ text: String) -> ArraySlice<UInt8> {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 40)
        out.append(contentsOf: "event: delta\ndata: {\"text\":".utf8)
        JSONBytes.appendString(text, to: &out)
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
}
