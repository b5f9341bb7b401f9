import Foundation
import Testing
@testable import Gateway
@testable import Inference
import QianxueAPI

/// The `done` event written by hand is what `JSONEncoder` wrote for the contract's `ChatDoneEvent`,
/// byte for byte (issue 5).
struct EventFramesTests {
    /// The frame as it was made before: the generated type through the handlers' encoder.
    private func encoded(_ d: ChatDone, breakReminder: Bool?) throws -> [UInt8] {
        let event = Components.Schemas.ChatDoneEvent(
            messageId: d.messageID.uuidString.lowercased(), usage: d.usage.map(Components.Schemas.TokenUsage.init),
            provider: d.provider, model: d.model, finishReason: d.finishReason, breakReminder: breakReminder)
        return Array(EventFrames.frame("done", data: try APIHandler.eventEncoder.encode(event)))
    }

    @Test func doneIsWhatTheEncoderWrote() throws {
        let usages: [TokenUsage?] = [nil, TokenUsage(promptTokens: 24, completionTokens: 2),
                                     TokenUsage(promptTokens: 0, completionTokens: 1_234_567, cachedTokens: 16),
                                     TokenUsage(promptTokens: -1, completionTokens: 0, cachedTokens: 0)]
        let texts = ["openai-compatible", "qianxue-offline", "", "引号\"与\\反斜杠/斜杠", "line\nbreak\ttab\u{01}\u{1F}", "表情😀\u{2028}"]
        var compared = 0
        for usage in usages {
            for (i, text) in texts.enumerated() {
                for reminder in [nil, true, false] as [Bool?] {
                    let d = ChatDone(messageID: UUID(), text: "不写入事件", usage: usage, provider: text, model: texts[(i + 1) % texts.count],
                                     finishReason: texts[(i + 2) % texts.count], firstTokenAfter: nil, waited: .zero)
                    let ours = Array(EventFrames.done(d, breakReminder: reminder))
                    let theirs = try encoded(d, breakReminder: reminder)
                    #expect(ours == theirs, "\(String(decoding: ours, as: UTF8.self)) ≠ \(String(decoding: theirs, as: UTF8.self))")
                    compared += 1
                }
            }
        }
        #expect(compared == 72)
    }

    @Test func theHandlersDoneFrameIsTheHandWrittenOne() {
        let d = ChatDone(messageID: UUID(), text: "", usage: TokenUsage(promptTokens: 3, completionTokens: 4), provider: "offline",
                         model: "qianxue-offline", finishReason: "stop", firstTokenAfter: nil, waited: .zero)
        let frame = String(decoding: APIHandler.eventFrame(.done(d), requestID: "r", breakReminder: true), as: UTF8.self)
        #expect(frame == "event: done\ndata: {\"breakReminder\":true,\"finishReason\":\"stop\",\"messageId\":\"\(d.messageID.uuidString.lowercased())\","
                + "\"model\":\"qianxue-offline\",\"provider\":\"offline\",\"usage\":{\"completionTokens\":4,\"promptTokens\":3}}\n\n")
    }
}
