import Foundation
import QianxueAPI

/// A quiz item as a teacher reads it in the terminal, and as plain text to change in `$EDITOR`
/// (题干 / A. … / 答案 / 解析), read back into the fields that changed.
enum QuizItemText {
    typealias Item = Components.Schemas.QuizItem

    static func reviewMark(_ item: Item) -> String {
        switch item.review ?? (item.approved == true ? .approved : .pending) {
        case .pending: return "·"
        case .approved: return "✓"
        case .edited: return "✎"
        case .removed: return Terminal.dim("✗")
        }
    }

    /// The keyed option letters, whichever of `keys` and `key` the server gave.
    static func keys(_ item: Item) -> [String] { item.keys?.map(\.rawValue) ?? item.key.map { [$0.rawValue] } ?? [] }

    /// The item's lines: stem, options with the key(s) marked, rationale, competency and review.
    static func lines(_ item: Item, number: Int) -> [String] {
        let multiple = item._type == .multiple
        var out = ["\(reviewMark(item)) \(number). \(multiple ? "（多选）" : "")\(item.stem)  [\(item.id) · \(item.competency)\(item.review.map { " · \($0.rawValue)" } ?? "")]"]
        for o in item.options {
            let keyed = keys(item).contains(o.id.rawValue)
            out.append("     \(keyed ? Terminal.bold(o.id.rawValue + ".") : o.id.rawValue + ".") \(o.text)\(keyed ? "  ← 答案" : "")")
        }
        if multiple { out.append(Terminal.dim("     多选题：全部选对才得分，少选、多选都不得分")) }
        out.append(Terminal.dim("     解析：\(item.rationale)"))
        return out
    }

    /// The editable text of an item.
    static func editable(_ item: Item) -> String {
        var s = "# 修改这道题后保存退出；不想改就原样退出。以 # 开头的行不算。\n"
        s += "题干：\(item.stem)\n"
        for o in item.options { s += "\(o.id.rawValue). \(o.text)\n" }
        s += "# 答案写一个字母是单选题，写两个或更多（如 A、C）是多选题。\n"
        s += "答案：\(keys(item).joined(separator: "、"))\n解析：\(item.rationale)\n"
        return s
    }

    /// The change a teacher's text makes to the item: only the fields that differ (nil: no change).
    static func change(from text: String, to item: Item) throws -> Components.Schemas.QuizItemChange? {
        var stem = "", rationale = "", key = ""
        var options: [(String, String)] = []
        var field = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) where !raw.hasPrefix("#") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if let v = value(line, after: "题干") { field = "stem"; stem = v }
            else if let v = value(line, after: "答案") { field = "key"; key = v }
            else if let v = value(line, after: "解析") { field = "rationale"; rationale = v }
            else if let first = line.first, "ABCDE".contains(first), line.count >= 2, ".．、".contains(line[line.index(after: line.startIndex)]) {
                field = "option"; options.append((String(first), String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces)))
            } else if !line.isEmpty {
                // A line that starts no field goes on with the one before it.
                switch field {
                case "stem": stem += "\n" + line
                case "rationale": rationale += "\n" + line
                case "option" where !options.isEmpty: options[options.count - 1].1 += line
                default: throw QXError("cannot read the line '\(line)': start it with 题干：, A. to D., 答案： or 解析：")
                }
            }
        }
        guard !stem.isEmpty, !key.isEmpty, !rationale.isEmpty, !options.isEmpty else {
            throw QXError("the item needs 题干：, options A. to D., 答案： and 解析：; nothing was saved")
        }
        let parsedOptions = try options.map { id, text -> Components.Schemas.QuizOption in
            guard let oid = Components.Schemas.QuizOptionId(rawValue: id) else { throw QXError("option \(id) is not one of A–E") }
            return .init(id: oid, text: text)
        }
        let letters = key.uppercased().filter { $0.isLetter }.map(String.init)
        let parsedKeys = try letters.map { k in
            try Components.Schemas.QuizOptionId(rawValue: k) ?? { throw QXError("答案 is option letters such as A or A、C, not '\(key)'") }()
        }
        guard !parsedKeys.isEmpty else { throw QXError("答案 is option letters such as A or A、C") }
        var c = Components.Schemas.QuizItemChange()
        if stem != item.stem { c.stem = stem }
        if parsedOptions != item.options { c.options = parsedOptions }
        if parsedKeys.map(\.rawValue) != keys(item) { c.keys = parsedKeys }
        if rationale != item.rationale { c.rationale = rationale }
        return c.stem == nil && c.options == nil && c.keys == nil && c.rationale == nil ? nil : c
    }

    private static func value(_ line: String, after label: String) -> String? {
        guard line.hasPrefix(label) else { return nil }
        let rest = line.dropFirst(label.count)
        guard let colon = rest.first, ":：".contains(colon) else { return nil }
        return rest.dropFirst().trimmingCharacters(in: .whitespaces)
    }
}
