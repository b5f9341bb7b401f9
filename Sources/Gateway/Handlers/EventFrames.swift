import Foundation
import Inference
import QianxueCore

/// The bytes of the API's stream events (DESIGN.md §5): `event: <name>`, one `data:` line of
/// compact JSON, a blank line. A `delta` — hundreds per answer — and the `done` that ends every
/// answer are written by hand; the rest (a flag, an error) go through `JSONEncoder`.
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

    /// `done` as `APIHandler.eventEncoder` writes `ChatDoneEvent` (compact, keys sorted), byte for
    /// byte (`EventFramesTests` compare the two): its `JSONEncoder` was ~3% of a stream's CPU.
    static func done(_ d: ChatDone, breakReminder: Bool?) -> ArraySlice<UInt8> {
        var out: [UInt8] = []
        out.reserveCapacity(200)
        out.append(contentsOf: "event: done\ndata: {".utf8)
        if let breakReminder {
            JSONBytes.appendKey("breakReminder", to: &out)
            out.append(contentsOf: (breakReminder ? "true," : "false,").utf8)
        }
        JSONBytes.appendKey("finishReason", to: &out)
        JSONBytes.appendString(d.finishReason, to: &out)
        out.append(UInt8(ascii: ","))
        JSONBytes.appendKey("messageId", to: &out)
        JSONBytes.appendString(d.messageID.uuidString.lowercased(), to: &out)
        out.append(UInt8(ascii: ","))
        JSONBytes.appendKey("model", to: &out)
        JSONBytes.appendString(d.model, to: &out)
        out.append(UInt8(ascii: ","))
        JSONBytes.appendKey("provider", to: &out)
        JSONBytes.appendString(d.provider, to: &out)
        if let u = d.usage {
            out.append(UInt8(ascii: ","))
            JSONBytes.appendKey("usage", to: &out)
            out.append(UInt8(ascii: "{"))
            if let cached = u.cachedTokens {
                JSONBytes.appendKey("cachedTokens", to: &out)
                out.append(contentsOf: String(cached).utf8)
                out.append(UInt8(ascii: ","))
            }
            JSONBytes.appendKey("completionTokens", to: &out)
            out.append(contentsOf: String(u.completionTokens).utf8)
            out.append(UInt8(ascii: ","))
            JSONBytes.appendKey("promptTokens", to: &out)
            out.append(contentsOf: String(u.promptTokens).utf8)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "}\n\n".utf8)
        return out[...]
    }
}
