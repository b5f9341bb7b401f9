import Yams

/// Options, key and rubric: the part of an item that depends on its type.
extension ItemParser {
    static let optionLabels = ["A", "B", "C", "D", "E", "F"]
    static let optionCount = 2...6
    static let rubricPoints = 1...4

    /// Options of a choice or ordering item: 2–6, labelled A, B, C… in order, texts all different.
    /// Nil when they are missing or faulty; empty for a constructed item.
    static func parseOptions(_ f: ItemFields, type: ItemType?) -> [ItemOption]? {
        if type == .constructed {
            if f.value("options") != nil { f.problem("options", "must be left out: a constructed item is answered in the student's own words") }
            return []
        }
        guard f.value("options") != nil else {
            if type != nil { f.sink.add(f.file, f.line, "missing field `options`") }
            return nil
        }
        guard let records = f.records("options") else { return nil }
        let before = f.sink.items.count
        if !optionCount.contains(records.count) { f.problem("options", "has \(records.count) options; an item has 2 to 6") }
        if type == .ordering && records.count < 3 { f.problem("options", "an ordering item orders at least 3 options") }
        var options: [ItemOption] = []
        for (i, r) in records.enumerated() {
            r.refuseUnknown(["id", "text"])
            guard let id = r.text("id"), let text = r.text("text") else { continue }
            if options.contains(where: { $0.id == id }) {
                r.problem("id", "\(id) is used twice; option ids are unique")
            } else if i >= optionLabels.count || id != optionLabels[i] {
                r.problem("id", "is \(id) but option \(i + 1) is labelled \(i < optionLabels.count ? optionLabels[i] : "—"); options are labelled A, B, C… in order")
            }
            if options.contains(where: { $0.text == text }) { r.problem("text", "\(text) appears twice") }
            options.append(ItemOption(id: id, text: text))
        }
        return f.sink.items.count == before ? options : nil
    }

    /// The key for the type, checked against the options; for a constructed item, its rubric.
    static func parseKey(_ f: ItemFields, type: ItemType, options: [ItemOption]?) -> AnswerKey? {
        if type == .constructed {
            if f.value("key") != nil { f.problem("key", "must be left out: a constructed item is scored with its rubric") }
            guard let r = f.nested("rubric") else {
                f.sink.add(f.file, f.line, "missing field `rubric`: a constructed item is scored by its teacher against a rubric")
                return nil
            }
            return parseRubric(r).map(AnswerKey.rubric)
        }
        if f.value("rubric") != nil { f.problem("rubric", "only constructed items have a rubric; a \(type.rawValue) item is scored by its key") }
        guard let node = f.value("key") else { f.sink.add(f.file, f.line, "missing field `key`"); return nil }
        let ids = options?.map(\.id)
        func unknown(_ keyed: [String]) -> Bool {
            guard let ids else { return true }
            let missing = keyed.filter { !ids.contains($0) }
            if !missing.isEmpty {
                f.problem("key", "names \(missing.joined(separator: ", ")), which \(missing.count == 1 ? "is not an option" : "are not options") (\(ids.joined(separator: ", ")))")
            }
            return !missing.isEmpty
        }
        switch type {
        case .single:
            guard let id = node.scalar?.string.trimmingCharacters(in: .whitespaces), !id.isEmpty else {
                f.problem("key", "of a single-choice item is exactly one option id")
                return nil
            }
            return unknown([id]) ? nil : .choice(id)
        case .multiple:
            guard let keyed = f.texts("key"), node.sequence != nil else {
                f.problem("key", "of a multiple-choice item is a list of option ids")
                return nil
            }
            if Set(keyed).count != keyed.count { f.problem("key", "names an option twice"); return nil }
            if keyed.count < 2 { f.problem("key", "of a multiple-choice item names at least 2 options; with one, make it single"); return nil }
            if unknown(keyed) { return nil }
            if let ids, keyed.count == ids.count { f.problem("key", "names every option; keep at least one distractor"); return nil }
            return .choices(Set(keyed))
        case .ordering:
            guard let keyed = f.texts("key"), node.sequence != nil else {
                f.problem("key", "of an ordering item is the list of all option ids in order")
                return nil
            }
            if unknown(keyed) { return nil }
            guard let ids else { return nil }
            if keyed.count != ids.count || Set(keyed) != Set(ids) {
                f.problem("key", "must place every option exactly once (\(ids.joined(separator: ", "))) to be an order")
                return nil
            }
            if keyed == ids { f.problem("key", "is the order the options are listed in; list them shuffled"); return nil }
            return .order(keyed)
        case .constructed:
            return nil
        }
    }

    /// A rubric: 1–4 points, one level per score point from 0 up, and a cut within range.
    static func parseRubric(_ r: ItemFields) -> Rubric? {
        r.refuseUnknown(["maxPoints", "correctAt", "levels", "exemplar"])
        let before = r.sink.items.count
        let maxPoints = r.integer("maxPoints")
        if let maxPoints, !rubricPoints.contains(maxPoints) { r.problem("maxPoints", "must be 1 to 4, not \(maxPoints)") }
        let correctAt = r.integer("correctAt")
        if let correctAt, let maxPoints, !(1...max(1, maxPoints)).contains(correctAt) {
            r.problem("correctAt", "is the lowest score counted correct, 1 to \(maxPoints), not \(correctAt)")
        }
        let exemplar = r.text("exemplar", required: false)
        guard let records = r.records("levels") else {
            if r.value("levels") == nil { r.sink.add(r.file, r.line, "missing field `rubric.levels`") }
            return nil
        }
        var levels: [Rubric.Level] = []
        for l in records {
            l.refuseUnknown(["points", "descriptor"])
            guard let points = l.integer("points"), let descriptor = l.text("descriptor") else { continue }
            if levels.contains(where: { $0.points == points }) { l.problem("points", "\(points) has two descriptors") }
            levels.append(Rubric.Level(points: points, descriptor: descriptor))
        }
        if let maxPoints, r.sink.items.count == before, Set(levels.map(\.points)) != Set(0...max(0, maxPoints)) {
            r.problem("levels", "must describe every score from 0 to \(maxPoints) once")
        }
        guard r.sink.items.count == before, let maxPoints, let correctAt else { return nil }
        return Rubric(maxPoints: maxPoints, correctAt: correctAt, levels: levels.sorted { $0.points < $1.points }, exemplar: exemplar)
    }
}
