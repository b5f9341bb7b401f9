@testable import Assistant
import Foundation
import Inference
import QianxueCore
import Testing

/// A model's quiz is read and checked before anything is stored; every fault is named with its item.
@Suite struct QuizValidatorTests {
    let validator = QuizValidator(count: 2, band: .junior, competencies: [Competency(.techniques, .apply), Competency(.ethics, .understand)])

    func answer(_ items: [[String: Any]]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: ["items": items]), as: UTF8.self)
    }

    func item(stem: String = "苗族银饰锻制技艺大约要经过多少道工序？", options: [String] = ["10", "30", "60", "90"], key: String = "B",
              competency: String = "TA-A") -> [String: Any] {
        ["stem": stem, "options": options, "key": key, "rationale": "课文说大约要经过30道工序。", "competency": competency]
    }

    @Test func aValidAnswerBecomesItemsInTheAssessmentFormat() throws {
        let text = "```json\n" + answer([item(), item(stem: "好特征要满足哪一点？", options: ["看得出", "算得快", "卖得贵", "长得大"], key: "A", competency: "ET-U")]) + "\n```"
        let items = try validator.read(text).get()
        #expect(items.map(\.id) == ["q1", "q2"])
        #expect(items[0].options.map(\.id) == ["A", "B", "C", "D"] && items[0].key == .choice("B") && items[0].type == .single)
        #expect(items[1].competency == Competency(.ethics, .understand) && items.allSatisfy { $0.bands == [.junior] && !$0.approved })
    }

    @Test func everyFaultIsNamedWithItsItem() {
        let cases: [([[String: Any]], String)] = [
            ([item()], "1 items instead of 2"),
            ([item(), item(stem: "Which is right?")], "item 2: the stem is not written in Chinese"),
            ([item(), item(stem: "哪一个对？", options: ["甲", "甲", "乙", "丙"])], "item 2: two options are the same"),
            ([item(), item(stem: "哪一个对？", key: "E")], "item 2: the key E is not one of the options"),
            ([item(), item(stem: "哪一个对？", options: ["甲", "乙", "丙"])], "item 2: 3 options instead of 4"),
            ([item(), item(stem: "哪一个对？", competency: "SD-C")], "item 2: competency SD-C is not one of the lesson's"),
            ([item(), item()], "item 2: the stem repeats"),
        ]
        for (items, expected) in cases {
            guard case .failure(let invalid) = validator.read(answer(items)) else {
                Issue.record("accepted: \(expected)")
                continue
            }
            #expect(invalid.summary.contains(expected), "\(invalid.summary)")
        }
        let multiple = { (options: [String], keys: [String]) -> [String: Any] in
            ["type": "multiple", "stem": "哪些是好特征的要求？", "options": options, "keys": keys, "rationale": "课文说的要求。", "competency": "TA-A"]
        }
        let multipleCases: [([String: Any], String)] = [
            (multiple(["甲", "乙", "丙", "丁"], ["A"]), "item 2: a multiple-choice item has 2 to 3 keys, not 1"),
            (multiple(["甲", "乙", "丙", "丁"], ["A", "B", "C", "D"]), "item 2: a multiple-choice item has 2 to 3 keys, not 4"),
            (multiple(["甲", "乙", "丙", "丁", "戊", "己"], ["A", "B"]), "item 2: 6 options instead of 4 or 5"),
            (["stem": "哪一个对？", "options": ["甲", "乙", "丙", "丁", "戊"], "keys": ["A"], "rationale": "课文说的。", "competency": "TA-A"], "item 2: 5 options instead of 4"),
            (["stem": "哪一个对？", "options": ["甲", "乙", "丙", "丁"], "keys": ["A", "B"], "rationale": "课文说的。", "competency": "TA-A"],
             "item 2: a single-choice item has one key, not 2"),
        ]
        for (second, expected) in multipleCases {
            guard case .failure(let invalid) = validator.read(answer([item(), second])) else {
                Issue.record("accepted: \(expected)")
                continue
            }
            #expect(invalid.summary.contains(expected), "\(invalid.summary)")
        }
        let valid = try? validator.read(answer([item(), multiple(["甲", "乙", "丙", "丁", "戊"], ["B", "E"])])).get()
        #expect(valid?[1].key == .choices(["B", "E"]) && valid?[1].type == .multiple)
        #expect(validator.read("对不起，我不会出题。") == .failure(QuizInvalid(problems: ["the answer is not a JSON object with an items array"])))
    }

    @Test func theSchemaIsSentAsOpenAIsJSONSchemaResponseFormat() throws {
        let format = QuizSchema.responseFormat(count: 3, competencies: [Competency(.techniques, .apply)])
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(format)) as? [String: Any])
        #expect(json["type"] as? String == "json_schema")
        let inner = try #require(json["json_schema"] as? [String: Any])
        #expect(inner["name"] as? String == "qianxue_quiz" && inner["strict"] as? Bool == true)
        let items = ((inner["schema"] as? [String: Any])?["properties"] as? [String: Any])?["items"] as? [String: Any]
        #expect(items?["minItems"] as? Int == 3 && items?["maxItems"] as? Int == 3)
        let item = (items?["items"] as? [String: Any])?["properties"] as? [String: Any]
        #expect((item?["competency"] as? [String: Any])?["enum"] as? [String] == ["TA-A"])
    }
}
