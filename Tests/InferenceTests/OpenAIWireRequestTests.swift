import Foundation
@testable import Inference
import Testing

/// The endpoint's chat request, written by hand (`OpenAIWire.Request.json()`): the document
/// `JSONEncoder` writes, whatever the messages hold.
@Suite struct OpenAIWireRequestTests {
    static let texts = ["请介绍侗族大歌。", #"quote " backslash \ slash / "#, "lines\n\r\ttab\u{08}\u{0C}", "nul \u{0} bell \u{07} esc \u{1B} del \u{7F}",
                        "emoji 🎵 and 𠀀 and combining e\u{301}", "", "  ", "</script><!--", "\u{2028}\u{2029} separators"]

    static func request(_ text: String, model: String?, stream: Bool, temperature: Double?) -> OpenAIWire.Request {
        OpenAIWire.Request(model: model, messages: [ChatMessage(.system, "你是老师的助手。\n\(text)"), ChatMessage(.user, text), ChatMessage(.assistant, text + "!")],
                           stream: stream, stream_options: stream ? .init(include_usage: true) : nil,
                           max_completion_tokens: 512, max_tokens: 512, temperature: temperature, response_format: nil)
    }

    /// Both documents read back: `JSONEncoder` orders keys as it likes and writes `\/`, so the
    /// bytes differ; what an endpoint reads must not.
    static func read(_ bytes: [UInt8]) throws -> NSDictionary? {
        try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary
    }

    @Test(arguments: texts) func theHandWrittenRequestIsTheDocumentJSONEncoderWrites(_ text: String) throws {
        for model in ["bench", "qwen2.5:0.5b \"q\" a/b", nil] as [String?] {
            for stream in [true, false] {
                for t in [nil, 0.0, 0.2, 0.7, 1.0, 1.5, 1e-5] as [Double?] {
                    let r = Self.request(text, model: model, stream: stream, temperature: t)
                    let mine = try Self.read(r.json()), theirs = try Self.read(Array(JSONEncoder().encode(r)))
                    #expect(mine != nil && mine == theirs, "\(text.debugDescription) \(String(describing: model)) \(stream) \(String(describing: t))")
                }
            }
        }
        let r = Self.request(text, model: nil, stream: true, temperature: nil)
        let read = try #require(try Self.read(r.json()))
        #expect(read["model"] == nil)
        #expect((read["messages"] as? [NSDictionary])?[1]["content"] as? String == text)
    }

    @Test func aSchemaOrATemperatureJSONCannotHoldGoesThroughJSONEncoder() throws {
        var r = Self.request("x", model: "m", stream: false, temperature: .nan)
        #expect(throws: EncodingError.self) { try r.json() }
        r = OpenAIWire.Request(model: "m", messages: [ChatMessage(.user, "x")], stream: false, stream_options: nil,
                               max_completion_tokens: 8, max_tokens: 8, temperature: nil,
                               response_format: ResponseFormat(name: "quiz", schema: .object(["type": .string("object")])))
        #expect(try Self.read(r.json()) == Self.read(Array(JSONEncoder().encode(r))))
        #expect(String(decoding: try r.json(), as: UTF8.self).contains(#""json_schema""#))
    }
}
