import Assessment
import Foundation
import Inference
import QianxueCore

/// Reads a model's quiz answer and checks every item before anything is stored: the JSON shape,
/// Chinese stems, different options (four for single choice, four or five for multiple), the key
/// or keys among them, a rationale, a competency code of the lesson. Every problem is named with
/// its item, so that a retry (or the teacher) knows what failed.
struct QuizValidator {
    let count: Int
    let band: GradeBand
    let competencies: [Competency]

    private struct Wire: Decodable {
        struct Item: Decodable {
            let type: String?
            let stem: String
            let options: [String]
            /// `keys` as the schema asks; `key` as single-choice answers were written before.
            let keys: [String]?
            let key: String?
            let rationale: String
            let competency: String
        }
        let items: [Item]
    }

    func read(_ text: String) -> Result<[QuizItem], QuizInvalid> {
        let json = Self.jsonObject(in: text)
        guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(json.utf8)) else {
            return .failure(QuizInvalid(problems: ["the answer is not a JSON object with an items array"]))
        }
        guard wire.items.count == count else {
            return .failure(QuizInvalid(problems: ["\(wire.items.count) items instead of \(count)"]))
        }
        var problems: [String] = []
        var items: [QuizItem] = []
        for (i, w) in wire.items.enumerated() {
            let keys = (w.keys ?? w.key.map { [$0] } ?? []).map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            let multiple = w.type == ItemType.multiple.rawValue
            let item = QuizItem(id: "q\(i + 1)", stem: w.stem.trimmingCharacters(in: .whitespacesAndNewlines),
                                options: zip(QuizSchema.optionIDs, w.options).map { ItemOption(id: $0, text: $1.trimmingCharacters(in: .whitespacesAndNewlines)) },
                                key: multiple ? .choices(Set(keys)) : .choice(keys.first ?? ""),
                                rationale: w.rationale.trimmingCharacters(in: .whitespacesAndNewlines),
                                competency: Competency(code: w.competency.trimmingCharacters(in: .whitespaces)) ?? Competency(.techniques, .understand),
                                bands: [band])
            let before = problems.count
            problems += Self.problems(of: item, number: i + 1, optionCount: w.options.count)
            if let t = w.type, ItemType(rawValue: t).map({ [.single, .multiple].contains($0) }) != true {
                problems.append("item \(i + 1): type \(t) is not single or multiple")
            }
            if !multiple, keys.count != 1 { problems.append("item \(i + 1): a single-choice item has one key, not \(keys.count)") }
            if Competency(code: w.competency.trimmingCharacters(in: .whitespaces)) == nil {
                problems.append("item \(i + 1): competency \(w.competency) is not a code such as TA-A")
            } else if !competencies.isEmpty, !competencies.contains(item.competency) {
                problems.append("item \(i + 1): competency \(item.competency.code) is not one of the lesson's (\(competencies.map(\.code).joined(separator: ", ")))")
            }
            if items.contains(where: { $0.stem == item.stem }) { problems.append("item \(i + 1): the stem repeats an earlier item's") }
            if problems.count == before { items.append(item) }
        }
        return problems.isEmpty ? .success(items) : .failure(QuizInvalid(problems: problems))
    }

    /// What is wrong with one item (a generated one, or one a teacher edited).
    static func problems(of item: QuizItem, number: Int, optionCount: Int? = nil) -> [String] {
        var p: [String] = []
        let at = "item \(number)"
        if !(4...300).contains(item.stem.count) { p.append("\(at): the stem has \(item.stem.count) characters (4–300)") }
        if !item.stem.unicodeScalars.contains(where: { TextTerms.isHan($0.value) }) { p.append("\(at): the stem is not written in Chinese") }
        let n = optionCount ?? item.options.count
        let multiple = item.type == .multiple
        if multiple ? !(4...5).contains(n) : n != 4 { p.append("\(at): \(n) options instead of \(multiple ? "4 or 5" : "4")") }
        if item.options.map(\.id) != Array(QuizSchema.optionIDs.prefix(item.options.count)) {
            p.append("\(at): options are labelled A, B, C, … in order")
        }
        if item.options.contains(where: { $0.text.isEmpty || $0.text.count > 120 }) { p.append("\(at): an option is empty or over 120 characters") }
        if Set(item.options.map(\.text)).count != item.options.count { p.append("\(at): two options are the same") }
        for k in item.keys where !item.options.contains(where: { $0.id == k }) { p.append("\(at): the key \(k) is not one of the options") }
        if multiple, !(2..<max(3, item.options.count)).contains(item.keys.count) {
            p.append("\(at): a multiple-choice item has 2 to \(max(2, item.options.count - 1)) keys, not \(item.keys.count)")
        }
        if !(2...500).contains(item.rationale.count) { p.append("\(at): the rationale has \(item.rationale.count) characters (2–500)") }
        return p
    }

    /// The field of a teacher's change that a problem is about: the one it names, else the first changed.
    static func field(of problem: String, among changed: [String]) -> String {
        let named = [("key", changed.contains("key") ? "key" : "keys"), ("stem", "stem"), ("option", "options"), ("rationale", "rationale")]
            .first { problem.contains($0.0) }?.1
        return named.flatMap { n in changed.isEmpty || changed.contains(n) ? n : nil } ?? changed.first ?? named ?? "items"
    }

    /// The JSON object in an answer: models sometimes wrap it in a code fence or a sentence.
    static func jsonObject(in text: String) -> String {
        guard let open = text.firstIndex(of: "{"), let close = text.lastIndex(of: "}"), open < close else { return text }
        return String(text[open...close])
    }
}

/// Why a generated quiz was refused, item by item.
struct QuizInvalid: Error, Sendable, Equatable {
    let problems: [String]
    var summary: String { problems.prefix(5).joined(separator: "; ") + (problems.count > 5 ? "; …" : "") }
}

/// The JSON schema a quiz is generated under (`response_format`): exactly `count` items, each
/// single choice (four options, one key) or multiple choice (four or five options, two or more
/// keys), with a rationale and one of the lesson's competency codes. What a schema cannot say (how
/// many keys for which type) the validator checks.
enum QuizSchema {
    static let optionIDs = ["A", "B", "C", "D", "E"]

    static func responseFormat(count: Int, competencies: [Competency]) -> ResponseFormat {
        let codes = (competencies.isEmpty ? Competency.grid : competencies).map { JSONValue.string($0.code) }
        let item: JSONValue = .object([
            "type": .string("object"),
            "properties": .object([
                "type": .object(["type": .string("string"), "enum": .array([.string("single"), .string("multiple")])]),
                "stem": .object(["type": .string("string"), "minLength": .number(4), "maxLength": .number(300)]),
                "options": .object([
                    "type": .string("array"), "minItems": .number(4), "maxItems": .number(5),
                    "items": .object(["type": .string("string"), "minLength": .number(1), "maxLength": .number(120)]),
                ]),
                "keys": .object([
                    "type": .string("array"), "minItems": .number(1), "maxItems": .number(4),
                    "items": .object(["type": .string("string"), "enum": .array(optionIDs.map(JSONValue.string))]),
                ]),
                "rationale": .object(["type": .string("string"), "minLength": .number(2), "maxLength": .number(500)]),
                "competency": .object(["type": .string("string"), "enum": .array(codes)]),
            ]),
            "required": .array(["type", "stem", "options", "keys", "rationale", "competency"].map(JSONValue.string)),
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
