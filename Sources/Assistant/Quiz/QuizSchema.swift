import Inference
import QianxueCore

/// The JSON schema a quiz is generated under (`response_format`): exactly `count` single-choice
/// items with four options, a key among A–D, a rationale and one of the lesson's competency codes.
enum QuizSchema {
    static let optionIDs = ["A", "B", "C", "D"]

    static func responseFormat(count: Int, competencies: [Competency]) -> ResponseFormat {
        let codes = (competencies.isEmpty ? Competency.grid : competencies).map { JSONValue.string($0.code) }
        let item: JSONValue = .object([
            "type": .string("object"),
            "properties": .object([
                "stem": .object(["type": .string("string"), "minLength": .number(4), "maxLength": .number(300)]),
                "options": .object([
                    "type": .string("array"), "minItems": .number(4), "maxItems": .number(4),
                    "items": .object(["type": .string("string"), "minLength": .number(1), "maxLength": .number(120)]),
                ]),
                "key": .object(["type": .string("string"), "enum": .array(optionIDs.map(JSONValue.string))]),
                "rationale": .object(["type": .string("string"), "minLength": .number(2), "maxLength": .number(500)]),
                "competency": .object(["type": .string("string"), "enum": .array(codes)]),
            ]),
            "required": .array(["stem", "options", "key", "rationale", "competency"].map(JSONValue.string)),
            "additionalProperties": .bool(false),
        ])
        let schema: JSONValue = .object([
            "type": .string("object"),
            "properties": .object([
                "items": .object(["type": .string("array"), "minItems": .number(Double(count)), "maxItems": .number(Double(count)), "items": item]),
            ]),
            "required": .array([.string("items")]),
            "additionalProperties": .bool(false),
        ])
        return ResponseFormat(name: "qianxue_quiz", schema: schema)
    }
}
