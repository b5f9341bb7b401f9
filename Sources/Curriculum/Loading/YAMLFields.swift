import Yams

/// Reads typed fields from one YAML mapping, reporting every missing, mistyped or unknown field
/// with the line it sits on. `lineOffset` maps YAML lines to file lines (front matter starts on
/// the file's second line).
struct YAMLFields {
    let node: Node
    let file: String
    let lineOffset: Int
    let sink: DiagnosticSink
    let context: String

    init(_ node: Node, file: String, lineOffset: Int, sink: DiagnosticSink, context: String = "") {
        self.node = node
        self.file = file
        self.lineOffset = lineOffset
        self.sink = sink
        self.context = context
    }

    var line: Int { (node.mark?.line ?? 1) + lineOffset }

    func line(of key: String) -> Int {
        guard let mapping = node.mapping else { return line }
        for (k, v) in mapping where k.string == key { return (k.mark?.line ?? v.mark?.line ?? 1) + lineOffset }
        return line
    }

    func value(_ key: String) -> Node? {
        guard let v = node[key] else { return nil }
        if case .scalar(let s) = v, s.tag.description == Tag.Name.null.rawValue || (s.string.isEmpty && s.style == .plain) {
            return nil
        }
        return v
    }

    private func name(_ key: String) -> String { context.isEmpty ? "`\(key)`" : "`\(context).\(key)`" }

    func missing(_ key: String) {
        sink.add(file, line, "missing field \(name(key))")
    }

    func problem(_ key: String, _ message: String) {
        sink.add(file, line(of: key), "\(name(key)) \(message)")
    }

    /// A non-empty string (numbers and dates are taken as written).
    func text(_ key: String, required: Bool = true) -> String? {
        guard let v = value(key) else {
            if required { missing(key) }
            return nil
        }
        guard case .scalar(let s) = v else {
            problem(key, "must be text")
            return nil
        }
        let t = s.string.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty {
            if required { problem(key, "is empty") }
            return nil
        }
        return t
    }

    func bool(_ key: String) -> Bool? {
        guard let v = value(key) else { missing(key); return nil }
        guard let b = v.bool else { problem(key, "must be true or false"); return nil }
        return b
    }

    func number(_ key: String) -> Double? {
        guard let v = value(key) else { missing(key); return nil }
        guard let d = v.float ?? v.int.map(Double.init) else { problem(key, "must be a number"); return nil }
        return d
    }

    /// A list of scalars; a missing optional list is empty.
    func texts(_ key: String, required: Bool = false) -> [String] {
        textLines(key, required: required).map(\.text)
    }

    /// A list of scalars with the file line of each entry.
    func textLines(_ key: String, required: Bool = false) -> [(text: String, line: Int)] {
        guard let v = value(key) else {
            if required { missing(key) }
            return []
        }
        guard case .sequence(let seq) = v else {
            problem(key, "must be a list")
            return []
        }
        var out: [(String, Int)] = []
        for item in seq {
            let line = (item.mark?.line ?? 1) + lineOffset
            if let s = item.scalar?.string.trimmingCharacters(in: .whitespaces), !s.isEmpty {
                out.append((s, line))
            } else {
                sink.add(file, line, "\(name(key)) holds an empty or non-text entry")
            }
        }
        return out
    }

    /// Mappings of a list, each as its own field reader.
    func records(_ key: String) -> [YAMLFields]? {
        guard let v = value(key) else { missing(key); return nil }
        guard case .sequence(let seq) = v else { problem(key, "must be a list"); return nil }
        return seq.compactMap { item in
            guard item.mapping != nil else {
                sink.add(file, (item.mark?.line ?? 1) + lineOffset, "each entry of \(name(key)) must be a mapping")
                return nil
            }
            return YAMLFields(item, file: file, lineOffset: lineOffset, sink: sink, context: key)
        }
    }

    /// Reports keys outside `known` (typos are the commonest authoring error).
    func refuseUnknown(_ known: Set<String>) {
        guard let mapping = node.mapping else { return }
        for (k, _) in mapping {
            guard let key = k.string, !known.contains(key) else { continue }
            sink.add(file, (k.mark?.line ?? 1) + lineOffset, "unknown field \(name(key))")
        }
    }
}
