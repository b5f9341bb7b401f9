import Curriculum
import Foundation
import Yams

/// Collects the item bank's diagnostics while files are read.
final class ItemDiagnostics {
    private(set) var items: [CurriculumDiagnostic] = []

    func add(_ file: String, _ line: Int, _ message: String) {
        items.append(CurriculumDiagnostic(file: file, line: line, message: message))
    }
}

/// Reads typed fields of one YAML mapping of an item file, reporting each missing, mistyped or
/// unknown field on its own line. `context` names the enclosing field (`rubric`, `irt`).
struct ItemFields {
    let node: Node
    let file: String
    let sink: ItemDiagnostics
    let context: String

    init(_ node: Node, file: String, sink: ItemDiagnostics, context: String = "") {
        self.node = node
        self.file = file
        self.sink = sink
        self.context = context
    }

    var line: Int { node.mark?.line ?? 1 }

    func line(of key: String) -> Int {
        guard let mapping = node.mapping else { return line }
        for (k, v) in mapping where k.string == key { return k.mark?.line ?? v.mark?.line ?? line }
        return line
    }

    func value(_ key: String) -> Node? {
        guard let v = node[key] else { return nil }
        if case .scalar(let s) = v, s.tag.description == Tag.Name.null.rawValue || (s.string.isEmpty && s.style == .plain) {
            return nil
        }
        return v
    }

    func name(_ key: String) -> String { context.isEmpty ? "`\(key)`" : "`\(context).\(key)`" }

    func problem(_ key: String, _ message: String) {
        sink.add(file, line(of: key), "\(name(key)) \(message)")
    }

    /// A non-empty scalar, trimmed; reports a missing required field.
    func text(_ key: String, required: Bool = true) -> String? {
        guard let v = value(key) else {
            if required { sink.add(file, line, "missing field \(name(key))") }
            return nil
        }
        guard case .scalar(let s) = v else { problem(key, "must be text"); return nil }
        let t = s.string.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty { problem(key, "is empty"); return nil }
        return t
    }

    func number(_ key: String) -> Double? {
        guard let v = value(key) else { sink.add(file, line, "missing field \(name(key))"); return nil }
        guard let d = v.scalar.flatMap({ Double($0.string.trimmingCharacters(in: .whitespaces)) }) else {
            problem(key, "must be a number")
            return nil
        }
        return d
    }

    func integer(_ key: String) -> Int? {
        guard let v = value(key) else { sink.add(file, line, "missing field \(name(key))"); return nil }
        guard let n = v.scalar.flatMap({ Int($0.string.trimmingCharacters(in: .whitespaces)) }) else {
            problem(key, "must be a whole number")
            return nil
        }
        return n
    }

    /// A list of non-empty scalars; a missing list is empty.
    func texts(_ key: String) -> [String]? {
        guard let v = value(key) else { return [] }
        guard case .sequence(let seq) = v else { problem(key, "must be a list"); return nil }
        var out: [String] = []
        for entry in seq {
            guard let s = entry.scalar?.string.trimmingCharacters(in: .whitespaces), !s.isEmpty else {
                sink.add(file, entry.mark?.line ?? line, "\(name(key)) holds an empty or non-text entry")
                return nil
            }
            out.append(s)
        }
        return out
    }

    /// Mappings of a list, each as its own reader; nil when the field is missing or not a list of mappings.
    func records(_ key: String) -> [ItemFields]? {
        guard let v = value(key) else { return nil }
        guard case .sequence(let seq) = v else { problem(key, "must be a list"); return nil }
        var out: [ItemFields] = []
        for entry in seq {
            guard entry.mapping != nil else {
                sink.add(file, entry.mark?.line ?? line, "each entry of \(name(key)) must be a mapping")
                return nil
            }
            out.append(ItemFields(entry, file: file, sink: sink, context: key))
        }
        return out
    }

    /// The mapping under `key` as its own reader.
    func nested(_ key: String) -> ItemFields? {
        guard let v = value(key) else { return nil }
        guard v.mapping != nil else { problem(key, "must be a mapping"); return nil }
        return ItemFields(v, file: file, sink: sink, context: context.isEmpty ? key : "\(context).\(key)")
    }

    /// Reports keys outside `known`: a misspelt field would otherwise be silently dropped.
    func refuseUnknown(_ known: Set<String>) {
        guard let mapping = node.mapping else { return }
        for (k, _) in mapping {
            guard let key = k.string, !known.contains(key) else { continue }
            sink.add(file, k.mark?.line ?? line, "unknown field \(name(key))")
        }
    }

    static func isDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return false }
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        guard let date = c.date(from: DateComponents(year: y, month: m, day: d)) else { return false }
        return c.component(.day, from: date) == d && c.component(.month, from: date) == m
    }
}
